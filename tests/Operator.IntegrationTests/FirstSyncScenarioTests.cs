using System.Text;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests;

public sealed class FirstSyncScenarioTests
{
    private const string Kubectl = KubectlProcess.Binary;

    [Fact]
    public async Task KubectlApplyOfCrdsAndSamples_MakesTheSecretAppear()
    {
        if (!File.Exists(Kubectl))
        {
            Assert.Skip($"kubectl is not installed at {Kubectl}");
        }

        await using var h = await OperatorHarness.StartAsync(tenant: "default", installCrds: false, startOperator: false);
        var kubeconfig = Path.Combine(h.MountDirectory, "..", $"kubeconfig-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(kubeconfig, h.Emulator.KubeconfigYaml());
        try
        {
            var root = RepoRoot();

            // The emulator serves no OpenAPI documents, hence --validate=false; the server still validates against the CRD schema.
            await RunKubectlAsync(kubeconfig, $"apply --validate=false -f {Path.Combine(root, "config/crd/bases")}");
            await RunKubectlAsync(kubeconfig, $"apply --validate=false -k {Path.Combine(root, "config/samples")}");
            await h.StartOperatorAsync();

            var group = await h.WaitForGroupAsync("team-a", "openai-keys", "True", "Synced");
            var secret = await h.GetSecretAsync("team-a", "openai-keys");
            Assert.Equal("sk-replace-me", Encoding.UTF8.GetString(secret!.Data["OPENAI_API_KEY"]));
            Assert.Equal(["tfy-secret://default:openai-keys:DB_PASSWORD", "tfy-secret://default:openai-keys:OPENAI_API_KEY"], group.Status!.Secrets!.Select(s => s.Fqn).Order());

            var listed = await RunKubectlAsync(kubeconfig, "get sg -A");
            Assert.Contains("default:openai-keys", listed, StringComparison.Ordinal);
            Assert.Contains("True", listed, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task GroupCreatedBeforeItsIntegration_SyncsWhenTheIntegrationAppears()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync("team-a");
        await h.SetSourceValuesAsync("early", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync("team-a", "early", ["K"]);
        await h.WaitForGroupAsync("team-a", "early", "False", "IntegrationNotFound");

        await h.CreateIntegrationAsync();

        await h.WaitForGroupAsync("team-a", "early", "True", "Synced");
    }

    [Fact]
    public async Task IntegrationWithAMissingSourceNamespace_IsNotReady_WithAnActionableMessage()
    {
        await using var h = await OperatorHarness.StartAsync();

        await h.CreateIntegrationAsync("broken", i => i.Spec.Kubernetes!.SourceNamespace = "does-not-exist");

        await OperatorHarness.WaitForAsync(async () =>
        {
            var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "broken"), CancellationToken.None);
            var ready = ssi?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            return ready is { Status: "False", Reason: "StoreMisconfigured" } && ready.Message.Contains("does-not-exist", StringComparison.Ordinal) && ready.ObservedGeneration == ssi!.Metadata.Generation;
        }, "integration Ready=False StoreMisconfigured");
    }

    [Fact]
    public async Task Emulator_RefusesObjectsThatBreakTheGeneratedSchema()
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        await h.CreateNamespaceAsync("team-a");

        var badFqn = await Assert.ThrowsAsync<HttpOperationException>(() => h.CreateGroupAsync("team-a", "bad", ["K"], g => g.Spec.IntegrationFqn = "acme:awz:p:secret-store:x"));
        Assert.Equal(422, (int)badFqn.Response.StatusCode);
        Assert.Contains("spec.integrationFqn", badFqn.Response.Content, StringComparison.Ordinal);

        var badKey = await Assert.ThrowsAsync<HttpOperationException>(() => h.CreateGroupAsync("team-a", "bad2", [".."]));
        Assert.Equal(422, (int)badKey.Response.StatusCode);

        var twoProviders = await Assert.ThrowsAsync<HttpOperationException>(() => h.CreateIntegrationAsync("two", i => i.Spec.Aws = new AwsStoreSpec { Region = "us-east-1" }));
        Assert.Equal(422, (int)twoProviders.Response.StatusCode);

        var noProvider = await Assert.ThrowsAsync<HttpOperationException>(() => h.CreateIntegrationAsync("none", i => i.Spec.Kubernetes = null));
        Assert.Equal(422, (int)noProvider.Response.StatusCode);
    }

    private static string RepoRoot() => RepositoryFiles.Path("");

    private static async Task<string> RunKubectlAsync(string kubeconfig, string arguments)
    {
        var result = await KubectlProcess.RunAsync(["--kubeconfig", kubeconfig, .. arguments.Split(' ')], Directory.GetCurrentDirectory(), TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"kubectl {arguments} failed: {result.Stderr}");
        return result.Stdout;
    }
}
