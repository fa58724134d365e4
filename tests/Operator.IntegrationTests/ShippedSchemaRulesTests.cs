using Operator.Manifests;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Operator.Hosting;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests;

/// <summary>
/// The shipped CRDs make the API server refuse what the operator would only report as a condition: the emulator
/// evaluates their CEL rules and list types as a real API server does, so a user sees the schema error at apply time.
/// </summary>
public sealed class ShippedSchemaRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"providerAccount":"p","azure":{}}""", "spec.azure: Invalid value: \"object\": one of vaultUrl or keyVaultName is required")]
    [InlineData("""{"providerAccount":"p","kubernetes":{"sourceNamespace":"s"},"gcp":{"projectId":"x"}}""", "spec: Invalid value: \"object\": exactly one of aws, gcp, azure, hashicorp, kubernetes must be set")]
    [InlineData("""{"providerAccount":"p"}""", "spec: Invalid value: \"object\": exactly one of aws, gcp, azure, hashicorp, kubernetes must be set")]
    public async Task Integration_BreakingARule_IsRefusedWithTheRulesMessage(string spec, string expected)
    {
        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        using var client = emulator.CreateClient();
        await CrdInstaller.InstallAsync(client, Ct);
        var integration = new JsonObject
        {
            ["apiVersion"] = "secrets.tfy.dev/v1alpha1",
            ["kind"] = "SecretStoreIntegration",
            ["metadata"] = new JsonObject { ["name"] = "bad" },
            ["spec"] = JsonNode.Parse(spec),
        };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.CreateClusterCustomObjectAsync(integration, "secrets.tfy.dev", "v1alpha1", "secretstoreintegrations", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains(expected, (string?)JsonNode.Parse(error.Response.Content)!["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"sharedWithNamespaces":["a","a"]}""", "spec.sharedWithNamespaces[1]: Duplicate value: \"a\"")]
    [InlineData("""{"collaborators":[{"roleId":"secret-group-viewer","subject":"user:a@x.io"},{"roleId":"secret-group-admin","subject":"user:a@x.io"}]}""", "spec.collaborators[1]: Duplicate value: map[string]interface {}{\"subject\":\"user:a@x.io\"}")]
    public async Task Group_RepeatingAListKey_IsRefusedAsDuplicate(string spec, string expected)
    {
        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        using var client = emulator.CreateClient();
        await CrdInstaller.InstallAsync(client, Ct);
        var group = new JsonObject
        {
            ["apiVersion"] = "secrets.tfy.dev/v1alpha1",
            ["kind"] = "SecretGroup",
            ["metadata"] = new JsonObject { ["name"] = "g" },
            ["spec"] = JsonNode.Parse(spec),
        };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.CreateNamespacedCustomObjectAsync(group, "secrets.tfy.dev", "v1alpha1", "default", "secretgroups", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains(expected, (string?)JsonNode.Parse(error.Response.Content)!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlApply_OfAnEmptyAzureBlock_PrintsTheSchemaError()
    {
        const string kubectl = "/usr/bin/kubectl";
        if (!File.Exists(kubectl))
        {
            Assert.Skip($"kubectl is not installed at {kubectl}");
        }

        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        using var client = emulator.CreateClient();
        await CrdInstaller.InstallAsync(client, Ct);
        var dir = Directory.CreateTempSubdirectory("kubectl-schema-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kubeconfig"), emulator.KubeconfigYaml(), Ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "ssi.yaml"), """
                apiVersion: secrets.tfy.dev/v1alpha1
                kind: SecretStoreIntegration
                metadata: {name: vault-less}
                spec: {providerAccount: p, azure: {}}
                """, Ct);
            var start = new ProcessStartInfo(kubectl, ["--kubeconfig", Path.Combine(dir, "kubeconfig"), "--cache-dir", Path.Combine(dir, "cache"), "apply", "-f", Path.Combine(dir, "ssi.yaml")])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            var stderr = await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);

            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("The SecretStoreIntegration \"vault-less\" is invalid: spec.azure: Invalid value: \"object\": one of vaultUrl or keyVaultName is required", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
