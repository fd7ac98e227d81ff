package io.rqsweeper.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script from {@code src/main/resources/lua/}, called by its SHA1 with EVALSHA. */
public record LuaScript(String name, String source, String sha1) {

    /**
     * Loads the job script {@code lua/<name>.lua}: its body becomes a function run once per job of a call by
     * {@code lua/batch.lua}, after the fact checks and recorded writes of {@code lua/common.lua}, whose
     * key-prefix table is filled with {@code keyPrefixTable} (Lua table fields).
     */
    public static LuaScript load(String name, String keyPrefixTable) {
        String source = read("lua/common.lua").replace("--[[RQ_KEY_PREFIXES]]", keyPrefixTable)
                + "\nlocal function job(KEYS)\n" + read("lua/" + name + ".lua") + "\nend\n" + read("lua/batch.lua");
        return new LuaScript(name, source, sha1Hex(source));
    }

    /** Loads {@code lua/<name>.lua} on its own, for scripts outside the job-mutation layout. */
    public static LuaScript loadStandalone(String name) {
        String source = read("lua/" + name + ".lua");
        return new LuaScript(name, source, sha1Hex(source));
    }

    private static String read(String path) {
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1Hex(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
