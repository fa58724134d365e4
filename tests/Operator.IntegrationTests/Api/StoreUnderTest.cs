using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Azure;
using Operator.Testing.Stores.Gcp;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// The API fixture with a second integration (default <c>versioned</c>) on one external store's fake (aws, gcp, azure
/// or hashicorp), Ready; and what that store itself says about the versions of group <c>versioned</c>'s key K.
/// </summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    public const string Group = "versioned";

    private readonly IAsyncDisposable fake;

    private StoreUnderTest(ApiFixture fixture, IAsyncDisposable fake, string fqn, Func<string> current, string missing)
    {
        Fixture = fixture;
        this.fake = fake;
        Fqn = fqn;
        CurrentVersion = current;
        MissingVersion = missing;
    }

    public ApiFixture Fixture { get; }

    /// <summary>The SSM fake, for an aws store.</summary>
    public SsmFake? Ssm => fake as SsmFake;

    /// <summary>The integration's FQN, as a manifest names it.</summary>
    public string Fqn { get; }

    /// <summary>K's current version as the store itself numbers it (read from the fake, not through the operator).</summary>
    public Func<string> CurrentVersion { get; }

    /// <summary>A well-formed version the store does not have.</summary>
    public string MissingVersion { get; }

    /// <summary>Starts it; <paramref name="realClock"/> as for <see cref="ApiFixture.StartAsync"/>.</summary>
    public static async Task<StoreUnderTest> StartAsync(string provider, string integration = "versioned", string account = "local", bool realClock = false)
    {
        var fqn = $"{OperatorHarness.DefaultTenant}:{provider}:{account}:secret-store:{integration}";
        Task<ApiFixture> StartFixtureAsync(Action<SecretStoreIntegration> spec, Action<OperatorHarness> mount, Action<IServiceCollection>? services = null) =>
            StartWithIntegrationAsync(integration, account, realClock, spec, mount, services);
        switch (provider)
        {
            case "aws":
            {
                var ssm = await SsmFake.StartAsync();
                var f = await StartFixtureAsync(ssi => ssi.Spec.Aws = new AwsStoreSpec
                {
                    Region = "us-east-1",
                    Endpoint = ssm.Url,
                    StsEndpoint = ssm.Sts.Url,
                    Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
                }, h =>
                {
                    h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
                    h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
                });
                return new(f, ssm, fqn, () => $"{ssm.VersionOf($"/tfy-secret/acme/{Group}/K")}", "99");
            }

            case "gcp":
            {
                var gcp = await GcpSecretManagerFake.StartAsync();
                var f = await StartFixtureAsync(ssi => ssi.Spec.Gcp = new GcpStoreSpec
                {
                    ProjectId = GcpSecretManagerFake.DefaultProject,
                    Endpoint = gcp.Endpoint.ToString(),
                    Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
                }, h => h.WriteMountedSecret("GCP_SA_KEY", gcp.CreateServiceAccountKey().Json));
                return new(f, gcp, fqn, () => $"{gcp.VersionCount($"acme_{Group}_K")}", "99");
            }

            case "azure":
            {
                var azure = await AzureKeyVaultFake.StartAsync();
                var f = await StartFixtureAsync(ssi => ssi.Spec.Azure = new AzureStoreSpec
                {
                    VaultUrl = azure.VaultUri.ToString(),
                    Auth = new AzureAuthSpec { TenantId = azure.TenantId, ClientId = azure.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
                }, h => h.WriteMountedSecret("AZURE_CLIENT_SECRET", azure.ClientSecret), services => services.AddSingleton(AzureFakeHook.For(azure)));
                return new(f, azure, fqn, () => azure.Versions(AzureSecretNames.Encode(OperatorHarness.DefaultTenant, Group, "K"))[^1].Version, new string('0', 32));
            }

            case "hashicorp":
            {
                var vault = await VaultFake.StartAsync();
                var f = await StartFixtureAsync(ssi => ssi.Spec.Hashicorp = new HashicorpStoreSpec
                {
                    Url = vault.BaseAddress.ToString(),
                    RootPath = "tfy-secret",
                    Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" },
                }, h => h.WriteMountedSecret("VAULT_TOKEN", vault.AddToken()));
                return new(f, vault, fqn, () => $"{vault.CurrentVersion($"tfy-secret/acme/{Group}")}", "99");
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "aws, gcp, azure or hashicorp");
        }
    }

    private static async Task<ApiFixture> StartWithIntegrationAsync(
        string integration, string account, bool realClock, Action<SecretStoreIntegration> spec, Action<OperatorHarness> mount, Action<IServiceCollection>? services)
    {
        var f = await ApiFixture.StartAsync(configureServices: services, realClock: realClock);
        mount(f.H);
        await f.H.CreateIntegrationAsync(integration, ssi =>
        {
            ssi.Spec.ProviderAccount = account;
            ssi.Spec.Kubernetes = null;
            spec(ssi);
        });
        await f.H.WaitForIntegrationAsync(integration);
        return f;
    }

    public async ValueTask DisposeAsync()
    {
        await Fixture.DisposeAsync();
        await fake.DisposeAsync();
    }
}
