using System.Text;
using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>The operator against the Secrets Manager fake (<c>aws.service: secrets-manager</c>), end to end.</summary>
public sealed class SecretsManagerSyncTests
{
    private const string Ns = "team-sm";
    private const string Integration = "aws-sm";
    private const string Fqn = "acme:aws:my-aws:secret-store:aws-sm";

    [Fact]
    public async Task Group_SyncsDefaultPathsAndJsonKeys_AsExactBytes_WithoutCredentialsAnywhere()
    {
        await using var h = await OperatorHarness.StartAsync();
        await using var fake = await SecretsManagerFake.StartAsync(h.Time);
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SecretsManagerFake.DefaultAccessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SecretsManagerFake.DefaultSecretAccessKey);
        byte[] der = [0x30, 0x82, 0xFF, 0x00, 0xC3];
        fake.Seed("tfy-secret/acme/payments/API_KEY", "sk-live");
        fake.SeedBinary("tfy-secret/acme/payments/TLS_KEY", der);
        fake.Seed("legacy/db", """{"username":"app","password":"hunter2-CANARY"}""");
        await h.CreateIntegrationAsync(Integration, ssi =>
        {
            ssi.Spec.ProviderAccount = "my-aws";
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true }; // DB_PASSWORD reads legacy/db
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Service = "secrets-manager",
                Region = SecretsManagerFake.Region,
                Endpoint = fake.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            };
        });
        await h.CreateGroupAsync(Ns, "payments", ["API_KEY", "TLS_KEY", "DB_PASSWORD"], g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.Secrets!.Single(s => s.Key == "DB_PASSWORD").RemoteRef = $"{Fqn}::legacy/db#password";
        });

        var group = await h.WaitForGroupAsync(Ns, "payments", "True", "Synced");

        var secret = (await h.GetSecretAsync(Ns, "payments"))!;
        Assert.Equal("sk-live", Encoding.UTF8.GetString(secret.Data["API_KEY"]));
        Assert.Equal(der, secret.Data["TLS_KEY"]);
        Assert.Equal("hunter2-CANARY", Encoding.UTF8.GetString(secret.Data["DB_PASSWORD"]));
        Assert.Equal(3, group.Status!.KeyCount);
        // The group's three secrets in one BatchGetSecretValue.
        Assert.Contains(fake.Calls, c => c.Operation == "BatchGetSecretValue" && c.Ids.Count == 3 && c.Ids.Contains("legacy/db"));
        Assert.All(fake.Calls, c => Assert.Equal(200, c.Status)); // every request passed the signature check

        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(ssi) + KubernetesJson.Serialize(group)
            + KubernetesJson.Serialize(await h.Client.EventsV1.ListEventForAllNamespacesAsync());
        Assert.DoesNotContain(SecretsManagerFake.DefaultSecretAccessKey, observed, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-CANARY", observed, StringComparison.Ordinal);
    }
}
