using System.Net;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// Issue 16 defect 5: a group's <c>status.secretName</c> is followed only to a Secret that group owns. (Defect 4, a
/// credential lookup by group name, is <c>Stores/Hashicorp/VaultCredentialAttackTests</c>: it needs a store that takes one.)
/// </summary>
public sealed class ReferenceTrustAttacks
{
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
