using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Gcp;

namespace Operator.IntegrationTests.Stores;

/// <summary>A remoteRef pinning a version in this store's notation, against its wire-level fake.</summary>
public sealed class GcpVersionPinTests
{
    [Fact]
    public async Task Gcp_PinsVersionsN_AndAMissingVersionIsSecretNotFound()
    {
        await using var fake = await GcpSecretManagerFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(VersionPinning.Ns);
        h.WriteMountedSecret("GCP_SA_KEY", fake.CreateServiceAccountKey().Json);
        await h.CreateIntegrationAsync("gcp", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Gcp = new GcpStoreSpec { ProjectId = GcpSecretManagerFake.DefaultProject, Endpoint = fake.Endpoint.ToString(), Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" } };
        });
        fake.Seed("acme_pins_A", "A-1");
        fake.Seed("acme_pins_A", "A-2");
        fake.Seed("acme_pins_B", "B-1");
        fake.Seed("acme_pins_B", "B-2");
        var fqn = h.FqnOf("gcp").Replace(":kubernetes:", ":gcp:", StringComparison.Ordinal);
        var group = await VersionPinning.SyncAsync(h, fqn, ("A", "acme_pins_A/versions/1"), ("B", "acme_pins_B/versions/latest"));

        Assert.Equal(("A-1", "B-2"), (await VersionPinning.ValueAsync(h, "A"), await VersionPinning.ValueAsync(h, "B")));
        VersionPinning.AssertKey(group, "A", "1", pinned: true, $"{fqn}::acme_pins_A/versions/1");
        VersionPinning.AssertKey(group, "B", "2", pinned: false, $"{fqn}::acme_pins_B");

        await h.UpdateAsync<SecretGroup>(new Runtime.ObjectKey(VersionPinning.Ns, "pins"), g => g.Spec.Secrets![0].RemoteRef = "acme_pins_A/versions/9");
        var missing = await h.WaitForGroupAsync(VersionPinning.Ns, "pins", "False", "SecretNotFound");
        Assert.Contains("A (acme_pins_A/versions/9)", missing.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Equal("A-1", await VersionPinning.ValueAsync(h, "A"));
    }
}
