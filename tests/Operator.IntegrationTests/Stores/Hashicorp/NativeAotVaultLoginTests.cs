using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) logging in to Vault, one process for both methods:
/// Kubernetes auth (a TokenRequest for its own ServiceAccount under the shipped RBAC, which the Vault fake reviews with
/// the emulator's TokenReview) and AppRole (role id and a mounted secret id); a wrong secret id is refused by the fake
/// as Vault refuses it, and the integration says so without the secret id or any token in its status or the log.
/// </summary>
public sealed class NativeAotVaultLoginTests(ITestOutputHelper output)
{
    private const string Ns = "team-vl";
    private const string RoleId = "operator-role";
    private const string SecretId = "approle-secret-id-CANARY-51c2";
    private const string WrongSecretId = "wrong-secret-id-CANARY-0e9a";

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeAotBinary_LogsInToVault_WithKubernetesAuthAndAppRole_AndRefusesAWrongSecretId()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var vault = await VaultFake.StartAsync(cancellationToken: ct);
        vault.Seed($"tfy-secret/{NativeAotOperator.Tenant}/app", "API_KEY", "vault-k8s-aot");
        vault.Seed($"tfy-secret/{NativeAotOperator.Tenant}/svc", "API_KEY", "vault-approle-aot");
        // Vault's own reviewer credential (token_reviewer_jwt; system:auth-delegator in a real cluster).
        vault.ConfigureKubernetes(new VaultKubernetesRole("secretgroup", aot.Kube.BaseAddress, aot.Kube.AdminToken, ShippedRbac.ServiceAccount, ShippedRbac.Namespace, "vault"));
        vault.ConfigureAppRole(RoleId, SecretId);
        aot.WriteMountedSecret("VAULT_SECRET_ID", SecretId);
        aot.WriteMountedSecret("VAULT_WRONG_SECRET_ID", WrongSecretId);

        var integrations = new ResourceClient<SecretStoreIntegration>(aot.Client);
        await integrations.CreateAsync(Vault("vault-k8s", vault, new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "secretgroup" } }), ct);
        await integrations.CreateAsync(Vault("vault-approle", vault, new HashicorpAuthSpec { AppRole = new VaultAppRoleAuthSpec { RoleId = RoleId, SecretId = "tfy-k8s-secret://VAULT_SECRET_ID" } }), ct);
        await integrations.CreateAsync(Vault("vault-wrong", vault, new HashicorpAuthSpec { AppRole = new VaultAppRoleAuthSpec { RoleId = RoleId, SecretId = "tfy-k8s-secret://VAULT_WRONG_SECRET_ID" } }), ct);
        aot.Run();

        var groups = new ResourceClient<SecretGroup>(aot.Client);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "app", (await aot.WaitForIntegrationReadyAsync("vault-k8s")).Status!.Fqn!, ["API_KEY"]), ct);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "svc", (await aot.WaitForIntegrationReadyAsync("vault-approle")).Status!.Fqn!, ["API_KEY"]), ct);
        await aot.WaitForGroupReadyAsync(Ns, "app");
        await aot.WaitForGroupReadyAsync(Ns, "svc");
        await aot.AssertSecretHoldsAsync(Ns, "app", new Dictionary<string, string> { ["API_KEY"] = "vault-k8s-aot" });
        await aot.AssertSecretHoldsAsync(Ns, "svc", new Dictionary<string, string> { ["API_KEY"] = "vault-approle-aot" });

        Assert.Contains(vault.Requests, r => r.Operation == "login.kubernetes" && r.StatusCode == 200);
        Assert.Contains(vault.Requests, r => r.Operation == "login.approle" && r.StatusCode == 200);
        Assert.NotEmpty(vault.PresentedJwts);
        Assert.Contains(aot.Kube.Requests, r => r.Method == "POST" && r.Path == $"/api/v1/namespaces/{ShippedRbac.Namespace}/serviceaccounts/{ShippedRbac.ServiceAccount}/token");

        var refused = await aot.WaitForIntegrationNotReadyAsync("vault-wrong");
        Assert.Equal("StoreAuthenticationFailed", refused.Reason);
        Assert.Contains(vault.Requests, r => r.Operation == "login.approle" && r.StatusCode is 400 or 403);

        var observed = string.Join("\n", aot.Process!.Output()) + refused.Message;
        foreach (var credential in vault.PresentedJwts.Concat(vault.LoginTokens).Append(SecretId).Append(WrongSecretId).Append("vault-k8s-aot"))
        {
            Assert.DoesNotContain(credential, observed, StringComparison.Ordinal);
        }

        aot.AssertCleanRun();
    }

    private static SecretStoreIntegration Vault(string name, VaultFake vault, HashicorpAuthSpec auth) =>
        NativeAotOperator.Integration(name, spec => spec.Hashicorp = new HashicorpStoreSpec { Url = vault.BaseAddress.ToString(), RootPath = "tfy-secret", Auth = auth });
}
