using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Api;
using Operator.Testing.Stores.Gcp;

namespace Operator.IntegrationTests.Stores;

/// <summary>The REST API on a GCP Secret Manager integration: each value set is a new secret version.</summary>
public sealed class GcpApiTests
{
    [Fact]
    public async Task EachValueSet_IsANewSecretVersion_AndEveryKeptVersionReadsBack()
    {
        var gcp = await GcpSecretManagerFake.StartAsync();
        await using var store = await StoreUnderTest.StartAsync(
            gcp,
            "acme:gcp:local:secret-store:versioned",
            spec => spec.Gcp = new GcpStoreSpec
            {
                ProjectId = GcpSecretManagerFake.DefaultProject,
                Endpoint = gcp.Endpoint.ToString(),
                Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
            },
            h => h.WriteMountedSecret("GCP_SA_KEY", gcp.CreateServiceAccountKey().Json),
            () => $"{gcp.VersionCount($"acme_{StoreUnderTest.Group}_K")}",
            "99");

        await ApiStoreVersions.EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBackAsync(store);
    }
}
