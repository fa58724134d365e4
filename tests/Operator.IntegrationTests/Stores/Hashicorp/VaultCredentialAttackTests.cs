using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Attacks;
using Operator.Runtime;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores.Hashicorp;

/// <summary>
/// Issue 16 defect 4, in the attack suite's terms: a <c>tfy-secret://</c> credential of an integration resolves to the
/// group that owns the name, whatever the cache's order, never a namesake waiting in FqnConflict.
/// </summary>
public sealed class VaultCredentialAttackTests
{
    [Fact]
    public async Task CredentialFromAGroup_ResolvesToTheOwnerOfTheName_NeverANamesakeInFqnConflict()
    {
        await using var h = await Attackers.StartAsync();
        await using var vault = await VaultFake.StartAsync(h.Time);
        await h.SetSourceValuesAsync("vault-creds", new Dictionary<string, string> { ["TOKEN"] = vault.RootToken });
        await h.CreateGroupAsync("team-b", "vault-creds", ["TOKEN"]);
        await h.WaitForGroupAsync("team-b", "vault-creds", "True", "Synced");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-a");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await new ResourceClient<SecretGroup>(mallory).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "vault-creds", NamespaceProperty = "team-a" },
            Spec = new SecretGroupSpec { IntegrationFqn = h.FqnOf(), Secrets = [new SecretKeySpec { Key = "TOKEN" }] },
        }, CancellationToken.None);
        await h.WaitForGroupAsync("team-a", "vault-creds", "False", "FqnConflict");

        // A restart fills the cache in list order (team-a first): the answer must not depend on it.
        await h.StopOperatorAsync();
        await h.StartOperatorAsync();
        await new ResourceClient<SecretStoreIntegration>(h.Client).CreateAsync(new SecretStoreIntegration
        {
            Metadata = new V1ObjectMeta { Name = "vault" },
            Spec = new SecretStoreIntegrationSpec
            {
                ProviderAccount = "local",
                Hashicorp = new HashicorpStoreSpec { Url = vault.BaseAddress.ToString(), RootPath = "tfy-secret", Auth = new HashicorpAuthSpec { Token = $"tfy-secret://{h.Tenant}:vault-creds:TOKEN" } },
            },
        }, CancellationToken.None);

        V1Condition? ready = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                ready = (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "vault"), CancellationToken.None))?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
                return ready is { Status: "True", Reason: "Validated" };
            },
            "the integration to read its token from the group that owns 'vault-creds'",
            () => $"{ready?.Status} {ready?.Reason}: {ready?.Message}");
    }
}
