package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests in deploy/kubernetes/ and the image they run (Dockerfile.native): valid YAML, probes on
 * serve's endpoints, ports, users and the builder image that agree.
 */
class DeployManifestsTest {
    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Map<String, JsonNode> manifests() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = YAML.readTree(file.toFile());
                assertNotNull(doc.get("kind"), file + " has no kind");
                assertNotNull(doc.get("apiVersion"), file + " has no apiVersion");
                assertNotNull(doc.at("/metadata/name").textValue(), file + " has no name");
                byKind.put(doc.get("kind").asText(), doc);
            }
        }
        return byKind;
    }

    private static JsonNode onlyContainer(JsonNode workload) {
        JsonNode containers = workload.at("/spec/template/spec/containers");
        assertEquals(1, containers.size(), workload.toString());
        return containers.get(0);
    }

    @Test
    void eachManifestIsOneOfTheExpectedKinds() throws IOException {
        assertEquals(List.of("Deployment", "Job", "Service"), manifests().keySet().stream().sorted().toList());
    }

    @Test
    void deploymentProbesServesEndpointsOnItsDeclaredPort() throws IOException {
        JsonNode deployment = manifests().get("Deployment");
        JsonNode c = onlyContainer(deployment);
        assertEquals("serve", c.at("/args/0").asText());
        JsonNode port = c.at("/ports/0");
        assertEquals("http", port.get("name").asText());
        int containerPort = port.get("containerPort").asInt();
        assertEquals(String.valueOf(containerPort), env(c).get("QUARKUS_HTTP_PORT").get("value").asText(),
                "the port serve listens on is the port the probes use");
        Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        probes.forEach((probe, path) -> {
            JsonNode get = c.get(probe).get("httpGet");
            assertNotNull(get, probe);
            assertEquals(path, get.get("path").asText(), probe);
            assertEquals("http", get.get("port").asText(), probe);
        });
        assertTrue(c.at("/startupProbe/periodSeconds").asInt() * c.at("/startupProbe/failureThreshold").asInt() >= 30,
                "start-up gets at least 30 s");

        JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape").asText());
        assertEquals(String.valueOf(containerPort), annotations.get("prometheus.io/port").asText());
        assertEquals("/q/metrics", annotations.get("prometheus.io/path").asText());
        assertHardened(deployment, c);
        assertTrue(c.at("/resources/requests/memory").asText().endsWith("Mi"), c.toString());
        assertTrue(c.at("/resources/limits/memory").asText().endsWith("Mi"), c.toString());
    }

    @Test
    void serviceSelectsServesPodsAndIsAnnotatedForScraping() throws IOException {
        Map<String, JsonNode> all = manifests();
        JsonNode service = all.get("Service");
        JsonNode deployment = all.get("Deployment");
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        service.at("/spec/selector").fields().forEachRemaining(e ->
                assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(), "selector " + e.getKey()));
        assertEquals(deployment.at("/spec/selector/matchLabels"), service.at("/spec/selector"));
        JsonNode port = service.at("/spec/ports/0");
        assertEquals("http", port.get("targetPort").asText());
        int containerPort = onlyContainer(deployment).at("/ports/0/containerPort").asInt();
        JsonNode annotations = service.at("/metadata/annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape").asText());
        assertEquals(String.valueOf(containerPort), annotations.get("prometheus.io/port").asText());
        assertEquals("/q/metrics", annotations.get("prometheus.io/path").asText());
    }

    @Test
    void jobRunsTheOneShotSweepWithoutPortsOrProbes() throws IOException {
        JsonNode job = manifests().get("Job");
        JsonNode c = onlyContainer(job);
        assertEquals("sweep", c.at("/args/0").asText());
        assertEquals("Never", job.at("/spec/template/spec/restartPolicy").asText());
        for (String field : List.of("ports", "startupProbe", "livenessProbe", "readinessProbe")) {
            assertFalse(c.has(field), "a one-shot binds no port: " + field);
        }
        assertHardened(job, c);
    }

    @Test
    void everyRqSweeperVariableInTheManifestsIsADocumentedSetting() throws IOException {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        List<String> unknown = new ArrayList<>();
        for (JsonNode workload : List.of(manifests().get("Deployment"), manifests().get("Job"))) {
            for (String name : env(onlyContainer(workload)).keySet()) {
                if (name.startsWith("RQ_SWEEPER_") && !name.startsWith("RQ_SWEEPER_REDIS_")) {
                    String property = "rq-sweeper." + name.substring("RQ_SWEEPER_".length()).toLowerCase()
                            .replaceFirst("_", ".").replace('_', '-');
                    if (!properties.contains(property + "=")) {
                        unknown.add(name + " (" + property + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), unknown);
    }

    @Test
    void workloadsRunTheNativeImagesExecutableAsItsUserWithABoundedHeap() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile.native"));
        String user = lastInstruction(dockerfile, "USER").split(":")[0];
        assertEquals("[\"/usr/local/bin/rq-sweeper\"]", lastInstruction(dockerfile, "ENTRYPOINT"));
        assertEquals("[\"serve\"]", lastInstruction(dockerfile, "CMD"));
        for (JsonNode workload : List.of(manifests().get("Deployment"), manifests().get("Job"))) {
            JsonNode c = onlyContainer(workload);
            assertFalse(c.has("command"), "the image's ENTRYPOINT runs the args: " + c);
            assertEquals(user, workload.at("/spec/template/spec/securityContext/runAsUser").asText(), "Dockerfile.native's USER");
            List<String> args = new ArrayList<>();
            c.get("args").forEach(a -> args.add(a.asText()));
            assertTrue(args.stream().anyMatch(a -> a.matches("-Xmx\\d+m")), "a fixed heap, not 80% of the limit: " + args);
        }
    }

    @Test
    void dockerfileBuildsInTheImageOfNativeContainerBuilds() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile.native"));
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        String from = dockerfile.lines().filter(l -> l.startsWith("FROM ") && l.endsWith(" AS build")).findFirst().orElseThrow();
        String image = from.substring("FROM ".length(), from.length() - " AS build".length());
        assertTrue(properties.contains("\nquarkus.native.builder-image=" + image + "\n"),
                "-Dquarkus.native.container-build=true must build in " + image + ", as Dockerfile.native does");
    }

    /** The argument of the last instruction of this name: the one of the runtime stage. */
    private static String lastInstruction(String dockerfile, String name) {
        return dockerfile.lines().filter(l -> l.startsWith(name + " ")).reduce((a, b) -> b).orElseThrow()
                .substring(name.length() + 1).trim();
    }

    /** Non-root, read-only root filesystem, no privilege escalation, the Redis URL and password from a Secret. */
    private static void assertHardened(JsonNode workload, JsonNode c) {
        JsonNode pod = workload.at("/spec/template/spec");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0, "runAsUser");
        assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation");
        Map<String, JsonNode> env = env(c);
        for (String name : List.of("RQ_SWEEPER_REDIS_URL", "RQ_SWEEPER_REDIS_PASSWORD")) {
            JsonNode ref = env.get(name).at("/valueFrom/secretKeyRef");
            assertFalse(ref.isMissingNode(), name + " comes from a Secret");
            assertEquals("rq-sweeper-redis", ref.get("name").asText(), name);
        }
        assertTrue(c.at("/resources/requests/memory").isTextual(), "memory request");
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.get("name").asText(), e));
        return env;
    }
}
