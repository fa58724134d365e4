using k8s;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Stores;
using Operator.References;
using Operator.Runtime;
using Operator.Stores.Azure;
using Operator.Stores.Gcp;
using Operator.Testing.Stores;
using Operator.Testing.Stores.Azure;
using Operator.Testing.Stores.Gcp;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Chaos;

/// <summary>
/// One store behind a SecretStoreIntegration: how the integration is declared, how a group's values get into the store
/// (as another writer would), and the fake's fault controls (null for the built-in store, whose faults are the emulator's).
/// </summary>
public sealed record ChaosStore(
    string Integration,
    string Fqn,
    FakeFaults? Faults,
    Action<SecretStoreIntegrationSpec> Declare,
    Func<OperatorHarness, string, IReadOnlyDictionary<string, string>, Task> WriteAsync);

/// <summary>The built-in store and the four cloud store fakes on loopback, each with an integration in one harness.</summary>
public sealed class ChaosStores : IAsyncDisposable
{
    private readonly SsmFake ssm;
    private readonly VaultFake vault;
    private readonly AzureKeyVaultFake azure;
    private readonly GcpSecretManagerFake gcp;

    private ChaosStores(SsmFake ssm, VaultFake vault, AzureKeyVaultFake azure, GcpSecretManagerFake gcp)
    {
        (this.ssm, this.vault, this.azure, this.gcp) = (ssm, vault, azure, gcp);
        var tenant = OperatorHarness.DefaultTenant;
        All =
        [
            new("k8s-store", $"{tenant}:kubernetes:local:secret-store:k8s-store", null, _ => { }, (h, group, values) => h.SetSourceValuesAsync(group, values.ToDictionary())),
            new("aws-ssm", $"{tenant}:aws:local:secret-store:aws-ssm", ssm.Faults, DeclareSsm, (_, group, values) => Each(values, (k, v) => ssm.Seed($"/tfy-secret/{tenant}/{group}/{k}", v))),
            new("vault", $"{tenant}:hashicorp:local:secret-store:vault", vault.Faults, DeclareVault, (_, group, values) => Each(values, (k, v) => vault.Seed($"tfy-secret/{tenant}/{group}", k, v))),
            new("azure-kv", $"{tenant}:azure:local:secret-store:azure-kv", azure.Faults, DeclareAzure, (_, group, values) => Each(values, (k, v) => azure.Seed(AzureSecretNames.Encode(tenant, group, k), v))),
            new("gcp-sm", $"{tenant}:gcp:local:secret-store:gcp-sm", gcp.Faults, DeclareGcp, (_, group, values) => Each(values, (k, v) => gcp.Seed(GcpSecretIds.DefaultId(new GroupFqn(tenant, group), k), v))),
        ];
    }

    /// <summary>The built-in store first, then SSM, Vault, Azure Key Vault and GCP Secret Manager.</summary>
    public IReadOnlyList<ChaosStore> All { get; }

    /// <summary>The four cloud fakes' fault controls.</summary>
    public IEnumerable<(string Integration, FakeFaults Faults)> Faults => All.Where(s => s.Faults is not null).Select(s => (s.Integration, s.Faults!));

    /// <summary>Starts the fakes on <paramref name="time"/>, the operator's clock, so a store's quota and the operator's backoff share one clock.</summary>
    public static async Task<ChaosStores> StartAsync(TimeProvider time) =>
        new(await SsmFake.StartAsync(time), await VaultFake.StartAsync(time), await AzureKeyVaultFake.StartAsync(time: time), await GcpSecretManagerFake.StartAsync(time));

    /// <summary>Pass to <see cref="OperatorHarness.StartAsync"/>: the Key Vault client's test seam.</summary>
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton(Operator.Testing.Shared.AzureFakeHook.For(azure));

    /// <summary>Mounts the credentials, declares the five integrations and waits until every one is Ready.</summary>
    public async Task CreateIntegrationsAsync(OperatorHarness h)
    {
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
        h.WriteMountedSecret("VAULT_TOKEN", vault.AddToken());
        h.WriteMountedSecret("AZURE_CLIENT_SECRET", azure.ClientSecret);
        h.WriteMountedSecret("GCP_SA_KEY", gcp.CreateServiceAccountKey().Json);
        foreach (var store in All)
        {
            await h.CreateIntegrationAsync(store.Integration, ssi => store.Declare(ssi.Spec));
        }

        var api = new ResourceClient<SecretStoreIntegration>(h.Client);
        foreach (var store in All)
        {
            SecretStoreIntegration? last = null;
            await OperatorHarness.WaitForAsync(
                async () =>
                {
                    last = await api.GetAsync(new ObjectKey(null, store.Integration), CancellationToken.None);
                    return last?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
                },
                $"integration {store.Integration} Ready",
                () => KubernetesJson.Serialize(last?.Status));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ssm.DisposeAsync();
        await vault.DisposeAsync();
        await azure.DisposeAsync();
        await gcp.DisposeAsync();
    }

    private static Task Each(IReadOnlyDictionary<string, string> values, Action<string, string> write)
    {
        foreach (var (key, value) in values)
        {
            write(key, value);
        }

        return Task.CompletedTask;
    }

    private void DeclareSsm(SecretStoreIntegrationSpec spec)
    {
        spec.Kubernetes = null;
        spec.Aws = new AwsStoreSpec
        {
            Region = SsmFake.Region,
            Endpoint = ssm.Url,
            Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
        };
    }

    private void DeclareVault(SecretStoreIntegrationSpec spec)
    {
        spec.Kubernetes = null;
        spec.Hashicorp = new HashicorpStoreSpec
        {
            Url = vault.BaseAddress.ToString(),
            RootPath = "tfy-secret",
            Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" },
        };
    }

    private void DeclareAzure(SecretStoreIntegrationSpec spec)
    {
        spec.Kubernetes = null;
        spec.Azure = new AzureStoreSpec
        {
            VaultUrl = azure.VaultUri.ToString(),
            Auth = new AzureAuthSpec { TenantId = azure.TenantId, ClientId = azure.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
        };
    }

    private void DeclareGcp(SecretStoreIntegrationSpec spec)
    {
        spec.Kubernetes = null;
        spec.Gcp = new GcpStoreSpec
        {
            ProjectId = GcpSecretManagerFake.DefaultProject,
            Endpoint = gcp.Endpoint.ToString(),
            Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
        };
    }
}
