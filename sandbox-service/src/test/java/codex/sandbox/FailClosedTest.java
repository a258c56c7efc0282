package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.Json;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxPermission;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox-service fails closed: a request that does not say what it may do is refused, never
 * run (or applied) unrestricted. Sent over the event bus as any caller would, to a sandbox whose
 * executor only records what it was asked to start.
 */
class FailClosedTest {
    private static final String PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch";

    @TempDir
    Path cwd;

    private Vertx vertx;
    private final List<ExecRequest> started = new CopyOnWriteArrayList<>();

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        CommandExecutor recording = (request, listener) -> {
            started.add(request);
            return new ExecHandle() {
                @Override
                public void cancel() {
                }

                @Override
                public CompletableFuture<ExecResult> result() {
                    return CompletableFuture.completedFuture(new ExecResult(0, 0, false, false, 1, "ran", "", 0, false));
                }
            };
        };
        await(vertx.deployVerticle(new SandboxVerticle(() -> recording, false)).toCompletionStage().toCompletableFuture());
    }

    @AfterEach
    void close() throws Exception {
        await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private JsonObject request(String address, JsonObject body) throws Exception {
        return codex.protocol.BusRequests.asJson(await(vertx.eventBus().request(address, body).toCompletionStage()
                .toCompletableFuture()).body());
    }

    private JsonObject exec() {
        return new JsonObject().put("exec_id", "e1").put("argv", new JsonArray().add("touch").add("pwned"))
                .put("cwd", cwd.toString());
    }

    @Test
    void anExecWithoutPermissionsIsRefusedAndNothingStarts() throws Exception {
        ExecFinished reply = Json.fromJson(request(Addresses.SANDBOX_EXEC, exec()), ExecFinished.class);
        assertTrue(reply.error().contains("no permissions"), reply.error());
        assertEquals(127, reply.exitCode());
        assertTrue(started.isEmpty(), "nothing was started: " + started);

        ExecFinished nullPermissions = Json.fromJson(request(Addresses.SANDBOX_EXEC, exec().putNull("permissions")),
                ExecFinished.class);
        assertTrue(nullPermissions.error().contains("no permissions"), nullPermissions.error());
        assertTrue(started.isEmpty());
    }

    @Test
    void unrestrictedBesidePermissionsIsRefused() throws Exception {
        ExecFinished reply = Json.fromJson(request(Addresses.SANDBOX_EXEC, exec().put("unrestricted", true)
                .put("permissions", new JsonArray().add("disk-write-cwd"))), ExecFinished.class);
        assertTrue(reply.error().contains("not both"), reply.error());
        assertTrue(started.isEmpty());
    }

    @Test
    void anEmptyPermissionListIsExplicitAndEnforcedAsSuch() throws Exception {
        ExecFinished reply = Json.fromJson(request(Addresses.SANDBOX_EXEC, exec().put("permissions", new JsonArray())),
                ExecFinished.class);
        assertEquals(null, reply.error());
        assertEquals(List.of(), started.get(0).permissions(), "no permission at all: the tightest sandbox");
    }

    @Test
    void onlyAnExplicitUnrestrictedRunsWithFullAccess() throws Exception {
        ExecFinished reply = Json.fromJson(request(Addresses.SANDBOX_EXEC, exec().put("unrestricted", true)),
                ExecFinished.class);
        assertEquals(null, reply.error());
        assertEquals("ran", reply.stdout());
        assertEquals(SandboxPermission.parseAll(List.of("disk-full-read-access", "disk-full-write-access",
                "network-full-access")), started.get(0).permissions());
    }

    @Test
    void aPatchWithoutWritableRootsIsRefusedAndWritesNothing() throws Exception {
        JsonObject body = new JsonObject().put("patch", PATCH).put("cwd", cwd.toString());
        PatchApplied reply = Json.fromJson(request(Addresses.SANDBOX_APPLY_PATCH, body), PatchApplied.class);
        assertFalse(reply.success());
        assertTrue(reply.error().contains("no writable_roots"), reply.error());
        assertFalse(Files.exists(cwd.resolve("hello.txt")));

        PatchApplied both = Json.fromJson(request(Addresses.SANDBOX_APPLY_PATCH, body.copy().put("unrestricted", true)
                .put("writable_roots", new JsonArray().add(cwd.toString()))), PatchApplied.class);
        assertTrue(both.error().contains("not both"), both.error());
        assertFalse(Files.exists(cwd.resolve("hello.txt")));
    }

    @Test
    void aPatchIsConfinedToItsWritableRootsOrUnrestrictedWhenSaidSo() throws Exception {
        Path elsewhere = Files.createDirectories(cwd.resolve("elsewhere"));
        Path work = Files.createDirectories(cwd.resolve("work"));
        PatchApplied outside = Json.fromJson(request(Addresses.SANDBOX_APPLY_PATCH,
                Json.toJson(ApplyPatch.within(PATCH, work.toString(), List.of(elsewhere.toString())))), PatchApplied.class);
        assertFalse(outside.success(), outside.stdout());
        assertFalse(Files.exists(work.resolve("hello.txt")));

        PatchApplied approved = Json.fromJson(request(Addresses.SANDBOX_APPLY_PATCH,
                Json.toJson(ApplyPatch.anywhere(PATCH, work.toString()))), PatchApplied.class);
        assertTrue(approved.success(), approved.error());
        assertEquals("hi\n", Files.readString(work.resolve("hello.txt")));
    }

    @Test
    void theContractRecordsThemselvesRefuseTheOpenRequest() {
        var exec = assertThrows(IllegalArgumentException.class,
                () -> new ExecCommand("e", List.of("true"), "/", null, 0, null, false, null, 0));
        assertTrue(exec.getMessage().contains("no permissions"), exec.getMessage());
        var patch = assertThrows(IllegalArgumentException.class, () -> new ApplyPatch(PATCH, "/", null, false));
        assertTrue(patch.getMessage().contains("no writable_roots"), patch.getMessage());
    }
}
