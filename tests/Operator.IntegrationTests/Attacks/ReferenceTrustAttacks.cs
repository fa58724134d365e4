using System.Net;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// Issue 16 defects 4 and 5: lookups by group name answer with the group that owns the name, whatever the cache's
/// order, and a group's <c>status.secretName</c> is followed only to a Secret that group owns.
/// </summary>
public sealed class ReferenceTrustAttacks
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

    [Fact]
    public async Task ForgedStatusSecretName_DoesNotLetAnAliasCopyASecretTheTargetDoesNotOwn()
    {
        await using var h = await Attackers.StartAsync();
        var victim = await Attackers.CreateVictimSecretAsync(h, "team-b", "db-credentials", "hunter2");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-b");

        // Mallory may also write SecretGroup status (as a user with secretgroups/* might), but still not read Secrets.
        await h.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "mallory-status", NamespaceProperty = "team-b" },
            Rules = [new V1PolicyRule { ApiGroups = [Operator.Entities.V1Alpha1.Api.Group], Resources = ["secretgroups/status"], Verbs = ["get", "update", "patch"] }],
        }, "team-b");
        await h.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "mallory-status", NamespaceProperty = "team-b" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "mallory-status" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "mallory", ApiGroup = "rbac.authorization.k8s.io" }],
        }, "team-b");
        var groups = new ResourceClient<SecretGroup>(mallory);

        // A bait group that never syncs (its integration does not exist), with a status pointing at the victim's Secret.
        await groups.CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "bait", NamespaceProperty = "team-b" },
            Spec = new SecretGroupSpec { IntegrationFqn = h.FqnOf("nope"), Secrets = [new SecretKeySpec { Key = "password" }] },
        }, CancellationToken.None);
        await h.WaitForGroupAsync("team-b", "bait", "False", "IntegrationNotFound");
        for (var attempt = 0; ; attempt++)
        {
            var bait = (await groups.GetAsync(new ObjectKey("team-b", "bait"), CancellationToken.None))!;
            bait.Status!.SecretName = "db-credentials";
            try
            {
                await groups.ReplaceStatusAsync(bait, CancellationToken.None);
                break;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }

        await groups.CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "copy", NamespaceProperty = "team-b" },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = h.FqnOf(),
                Secrets = [new SecretKeySpec { Key = "STOLEN", RemoteRef = $"tfy-secret://{h.Tenant}:bait:password" }],
                Collaborators = [new Collaborator { RoleId = GroupRoles.Editor, Subject = "user:mallory" }],
            },
        }, CancellationToken.None);

        var copy = await h.WaitForGroupAsync("team-b", "copy", "False", "AliasNotReady");
        Assert.Contains("does not own", copy.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync("team-b", "copy"));
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, "team-b", "db-credentials"));
        await Attackers.AssertIntactAsync(h, victim);
    }
}
