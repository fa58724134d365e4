using k8s;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Stores.Azure;
using Operator.Testing;
using Operator.Testing.Stores.Azure;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) on Azure Key Vault: Azure.Identity's client secret
/// credential (MSAL) and Azure.Security.KeyVault.Secrets against the fake. The process cannot take the in-process
/// tests' options hook, so it gets what a cluster could give it: the fake's certificate as its only trusted root
/// (<c>SSL_CERT_FILE</c>), the fake as authority host (<c>AZURE_AUTHORITY_HOST</c>), and a proxy
/// (<c>HTTPS_PROXY</c>) that takes <c>keyVaultName</c>'s real host to the fake, so the SDK's check that the
/// challenge's resource (<c>vault.azure.net</c>) is the vault's domain passes as in Azure.
/// </summary>
public sealed class AzureNativeAotTests(ITestOutputHelper output)
{
    private const string VaultName = "aot-vault";
    private const string VaultHost = $"{VaultName}.vault.azure.net";

    [Fact]
    public async Task NativeAotBinary_SyncsAGroupFromAzureKeyVault()
    {
        const string Ns = "team-az";
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var fake = await AzureKeyVaultFake.StartAsync(hostNames: [VaultHost]);
        await using var proxy = ConnectProxy.Start(fake.VaultUri.Port);
        var version = fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "db", "PASSWORD"), "azure-aot-1");
        fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "db", "USER"), "azure-user");
        aot.WriteMountedSecret("AZURE_CLIENT_SECRET", fake.ClientSecret);
        var ca = Path.Combine(aot.WorkPath, "azure-fake.crt");
        await File.WriteAllTextAsync(ca, fake.Certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);

        var group = await aot.SyncGroupAsync(
            NativeAotOperator.Integration("azure-kv", spec => spec.Azure = new AzureStoreSpec
            {
                KeyVaultName = VaultName,
                Auth = new AzureAuthSpec { TenantId = fake.TenantId, ClientId = fake.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
            }),
            Ns,
            new Dictionary<string, string> { ["PASSWORD"] = "azure-aot-1", ["USER"] = "azure-user" },
            new Dictionary<string, string>
            {
                ["SSL_CERT_FILE"] = ca,
                ["SSL_CERT_DIR"] = aot.WorkPath,
                ["AZURE_AUTHORITY_HOST"] = fake.AuthorityHost.ToString(),
                ["HTTPS_PROXY"] = proxy.Address.ToString(),
                ["NO_PROXY"] = "127.0.0.1,localhost",
            });

        Assert.Equal(version, Assert.Single(group.Status!.Secrets!, s => s.Key == "PASSWORD").Version);
        Assert.True(fake.CallCount("token") >= 1);
        Assert.Contains($"{VaultHost}:443", proxy.Tunnelled);
        Assert.Empty(fake.Unanswered);
    }

    /// <summary>
    /// The identities a pod in AKS has instead of a secret, one process for both: workload identity (the projected
    /// ServiceAccount token in <c>AZURE_FEDERATED_TOKEN_FILE</c>, issued by the API emulator for
    /// <c>api://AzureADTokenExchange</c>, exchanged at the fake's Entra for a federated credential that TokenReview
    /// vouches for) and a user-assigned managed identity (IMDS, at <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>). A client id
    /// IMDS does not know is refused, and the integration says so.
    /// </summary>
    [Fact]
    public async Task NativeAotBinary_SyncsFromAzureKeyVault_WithWorkloadIdentityAndManagedIdentity()
    {
        const string Ns = "team-az";
        const string ManagedClientId = "5b2f0c1e-0000-4000-8000-00000000a1b2";
        var ct = TestContext.Current.CancellationToken;
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var fake = await AzureKeyVaultFake.StartAsync(hostNames: [VaultHost]);
        await using var proxy = ConnectProxy.Start(fake.VaultUri.Port);
        fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "wi", "PASSWORD"), "azure-wi-aot");
        fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "mi", "PASSWORD"), "azure-mi-aot");
        fake.AssignManagedIdentity(ManagedClientId);
        fake.AddFederatedCredential(new AzureFederatedCredential(
            "https://kubernetes.default.svc.cluster.local",
            ShippedRbac.User,
            async (jwt, token) => (await aot.Client.AuthenticationV1.CreateTokenReviewAsync(
                new k8s.Models.V1TokenReview { Spec = new k8s.Models.V1TokenReviewSpec { Token = jwt, Audiences = [AzureFederatedCredential.DefaultAudience] } }, cancellationToken: token)).Status.Authenticated == true));

        // What the workload identity webhook mounts: a token of the operator's ServiceAccount for Entra's audience.
        var projected = await aot.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new k8s.Models.Authenticationv1TokenRequest { Spec = new k8s.Models.V1TokenRequestSpec { Audiences = [AzureFederatedCredential.DefaultAudience], ExpirationSeconds = 3600 } },
            ShippedRbac.ServiceAccount, ShippedRbac.Namespace, cancellationToken: ct);
        var tokenFile = Path.Combine(aot.WorkPath, "azure-identity-token");
        await File.WriteAllTextAsync(tokenFile, projected.Status.Token, ct);
        var ca = Path.Combine(aot.WorkPath, "azure-fake.crt");
        await File.WriteAllTextAsync(ca, fake.Certificate.ExportCertificatePem(), ct);

        var integrations = new ResourceClient<SecretStoreIntegration>(aot.Client);
        await integrations.CreateAsync(NativeAotOperator.Integration("azure-wi", spec => spec.Azure = new AzureStoreSpec
        {
            KeyVaultName = VaultName,
            Auth = new AzureAuthSpec { WorkloadIdentity = true, TenantId = fake.TenantId, ClientId = fake.ClientId },
        }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("azure-mi", spec => spec.Azure = new AzureStoreSpec
        {
            KeyVaultName = VaultName,
            Auth = new AzureAuthSpec { ManagedIdentityClientId = ManagedClientId },
        }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("azure-mi-unknown", spec => spec.Azure = new AzureStoreSpec
        {
            KeyVaultName = VaultName,
            Auth = new AzureAuthSpec { ManagedIdentityClientId = "00000000-0000-4000-8000-0000000000ff" },
        }), ct);
        aot.Run(environment: new Dictionary<string, string>
        {
            ["SSL_CERT_FILE"] = ca,
            ["SSL_CERT_DIR"] = aot.WorkPath,
            ["AZURE_AUTHORITY_HOST"] = fake.AuthorityHost.ToString(),
            ["AZURE_FEDERATED_TOKEN_FILE"] = tokenFile,
            ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = fake.VaultUri.ToString(),
            ["HTTPS_PROXY"] = proxy.Address.ToString(),
            ["NO_PROXY"] = "127.0.0.1,localhost",
        });

        var groups = new ResourceClient<SecretGroup>(aot.Client);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "wi", (await aot.WaitForIntegrationReadyAsync("azure-wi")).Status!.Fqn!, ["PASSWORD"]), ct);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "mi", (await aot.WaitForIntegrationReadyAsync("azure-mi")).Status!.Fqn!, ["PASSWORD"]), ct);
        await aot.WaitForGroupReadyAsync(Ns, "wi");
        await aot.WaitForGroupReadyAsync(Ns, "mi");
        await aot.AssertSecretHoldsAsync(Ns, "wi", new Dictionary<string, string> { ["PASSWORD"] = "azure-wi-aot" });
        await aot.AssertSecretHoldsAsync(Ns, "mi", new Dictionary<string, string> { ["PASSWORD"] = "azure-mi-aot" });
        Assert.True(fake.CallCount("token.federated") >= 1);
        Assert.True(fake.CallCount("imds.issued") >= 1);

        var refused = await aot.WaitForIntegrationNotReadyAsync("azure-mi-unknown");
        output.WriteLine($"{refused.Reason}: {refused.Message}");
        Assert.DoesNotContain(projected.Status.Token, string.Join("\n", aot.Process!.Output()) + refused.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Unanswered);
        aot.AssertCleanRun();
    }
}
