using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Gcp;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) on GCP Secret Manager: Google.Apis.Auth reads the service
/// account key and signs its JWT (Newtonsoft.Json underneath), the operator's client reads the values from the fake.
/// </summary>
public sealed class GcpNativeAotTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NativeAotBinary_SyncsAGroupFromGcp()
    {
        const string Ns = "team-gcp";
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var fake = await GcpSecretManagerFake.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        aot.WriteMountedSecret("GCP_SA_KEY", fake.CreateServiceAccountKey().Json);
        fake.Seed($"{NativeAotOperator.Tenant}_db_PASSWORD", "gcp-aot-1");
        fake.Seed($"{NativeAotOperator.Tenant}_db_USER", "gcp-user");

        var group = await aot.SyncGroupAsync(
            NativeAotOperator.Integration("gcp-sm", spec => spec.Gcp = new GcpStoreSpec
            {
                ProjectId = GcpSecretManagerFake.DefaultProject,
                Endpoint = fake.Endpoint.ToString(),
                Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
            }),
            Ns,
            new Dictionary<string, string> { ["PASSWORD"] = "gcp-aot-1", ["USER"] = "gcp-user" });

        Assert.Equal("1", Assert.Single(group.Status!.Secrets!, s => s.Key == "PASSWORD").Version);
        Assert.True(fake.CallCount("token") >= 1);
    }

    /// <summary>
    /// No key at all: Application Default Credentials find the metadata server (GKE Workload Identity, a VM) at
    /// <c>GCE_METADATA_HOST</c>, as on GKE, and its token reads the values. No gcloud config is there to be found first.
    /// </summary>
    [Fact]
    public async Task NativeAotBinary_SyncsAGroupFromGcp_WithTheMetadataServersToken()
    {
        const string Ns = "team-gcp";
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var fake = await GcpSecretManagerFake.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        fake.EnableMetadataServer();
        fake.Seed($"{NativeAotOperator.Tenant}_db_PASSWORD", "gcp-wi-aot-1");

        var group = await aot.SyncGroupAsync(
            NativeAotOperator.Integration("gcp-wi", spec => spec.Gcp = new GcpStoreSpec
            {
                ProjectId = GcpSecretManagerFake.DefaultProject,
                Endpoint = fake.Endpoint.ToString(),
            }),
            Ns,
            new Dictionary<string, string> { ["PASSWORD"] = "gcp-wi-aot-1" },
            new Dictionary<string, string>
            {
                ["GCE_METADATA_HOST"] = fake.MetadataHost,
                ["CLOUDSDK_CONFIG"] = Path.Combine(aot.WorkPath, "no-gcloud"),
            });

        Assert.Equal("1", Assert.Single(group.Status!.Secrets!).Version);
        Assert.True(fake.CallCount("metadata.token") >= 1);
        Assert.Equal(0, fake.CallCount("token"));
        Assert.Equal(0, fake.RefusedMetadataRequests);
    }
}
