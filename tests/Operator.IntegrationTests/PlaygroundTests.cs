using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Playground;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests;

/// <summary>
/// `make playground`: the emulator enforces RBAC, the operator syncs the samples as the ServiceAccount of config/rbac,
/// and the real kubectl answers `auth can-i --as` for a collaborator the operator turned into RBAC.
/// </summary>
public sealed class PlaygroundTests
{
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Playground_EnforcesRbac_AndItsOperatorGrantsACollaboratorOnlyTheGroupsSecret()
    {
        if (!KubectlProcess.IsInstalled)
        {
            Assert.Skip($"kubectl is not installed at {KubectlProcess.Binary}");
        }

        var dir = Directory.CreateTempSubdirectory("playground-");
        try
        {
            await using var playground = await Playground.Playground.StartAsync(
                new PlaygroundOptions { Port = 0, KubeconfigPath = Path.Combine(dir.FullName, "playground.kubeconfig") }, TestContext.Current.CancellationToken);
            using var admin = playground.Emulator.CreateClient();
            var groups = new ResourceClient<SecretGroup>(admin);
            await WaitAsync(async () => (await groups.GetAsync(new ObjectKey("team-a", "openai-keys"), CancellationToken.None))?.Status?.Conditions?
                .Any(c => c is { Type: "Ready", Status: "True" }) == true, "the sample group to sync");
            Assert.Equal((1, "no"), await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "team-a", "get", "secret/openai-keys"));

            var group = (await groups.GetAsync(new ObjectKey("team-a", "openai-keys"), CancellationToken.None))!;
            group.Spec.Collaborators = [new Collaborator { RoleId = "secret-group-editor", Subject = "user:alice" }];
            await groups.ReplaceAsync(group, CancellationToken.None);
            await WaitAsync(async () => (await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "team-a", "get", "secret/openai-keys")).Answer == "yes",
                "the operator to grant alice the group's Secret");

            Assert.Equal((1, "no"), await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "team-a", "patch", "secretgroups/openai-keys"));
            Assert.Equal((1, "no"), await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "team-a", "get", "secret/other"));
            Assert.Equal((1, "no"), await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "team-a", "list", "secrets"));
            Assert.Equal((1, "no"), await CanIAsync(dir.FullName, playground, "--as", "alice", "-n", "secretgroup-source", "get", "secret/openai-keys"));
            var denied = await KubectlAsync(dir.FullName, playground, "get", "secret", "db-credentials", "--as", "alice", "-n", "team-a");
            Assert.Contains("secrets \"db-credentials\" is forbidden: User \"alice\" cannot get resource \"secrets\" in API group \"\" in the namespace \"team-a\"", denied.Stderr, StringComparison.Ordinal);
            var claims = await KubectlAsync(dir.FullName, playground, "get", "configmap", "-n", ShippedRbac.Namespace, "-l", "secrets.tfy.dev/claim=group-fqn", "-o", "name");
            Assert.Equal("configmap/fqn.default.openai-keys", claims.Stdout.Trim());
            Assert.Empty(ShippedRbac.ForbiddenRequests(playground.Emulator));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Answer)> CanIAsync(string dir, Playground.Playground playground, params string[] args)
    {
        var result = await KubectlAsync(dir, playground, ["auth", "can-i", .. args]);
        return (result.ExitCode, result.Stdout.Trim());
    }

    private static Task<KubectlResult> KubectlAsync(string dir, Playground.Playground playground, params string[] args) =>
        KubectlProcess.RunAsync(["--kubeconfig", playground.KubeconfigPath, "--cache-dir", Path.Combine(dir, "cache"), .. args], dir, Hung, TestContext.Current.CancellationToken);

    private static Task WaitAsync(Func<Task<bool>> condition, string what) => OperatorHarness.WaitForAsync(condition, what);
}
