using System.Net;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// Issue 16 defects 1 and 2: collaborator Roles grant a Secret only when the group owns it (it wrote it), and only
/// admins may change a group's spec (who may read, where values go).
/// </summary>
public sealed class CollaboratorRbacAttacks
{
    [Fact]
    public async Task GroupTargetingASecretItDoesNotOwn_GrantsItsCollaboratorsNothing()
    {
        await using var h = await Attackers.StartAsync();
        var victim = await Attackers.CreateVictimSecretAsync(h, "team-a", "db-credentials", "hunter2");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-a");
        await h.SetSourceValuesAsync("grab", new Dictionary<string, string> { ["K"] = "v" });

        await Attackers.CreateGroupTargetingAsync(h, mallory, "team-a", "grab", "db-credentials", GroupRoles.Editor, "user:mallory");

        await h.WaitForGroupAsync("team-a", "grab", "False", "SecretConflict");
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, "team-a", "db-credentials"));
        var roles = (await h.Client.RbacAuthorizationV1.ListNamespacedRoleAsync("team-a")).Items.Where(r => r.Metadata.Name.StartsWith("secretgroup-grab-", StringComparison.Ordinal));
        Assert.DoesNotContain(roles.SelectMany(r => r.Rules), r => r.Resources.Contains("secrets"));
        await Attackers.AssertIntactAsync(h, victim);
    }

    [Fact]
    public async Task GroupInTheOperatorsNamespace_CannotHandItsCredentialsToACollaborator()
    {
        await using var h = await Attackers.StartAsync();
        var credentials = await Attackers.CreateVictimSecretAsync(h, OperatorHarness.OperatorNamespace, "secretgroup-operator-credentials", "AKIA-canary");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", OperatorHarness.OperatorNamespace);
        await h.SetSourceValuesAsync("creds", new Dictionary<string, string> { ["K"] = "v" });

        await h.CreateGroupAsync(OperatorHarness.OperatorNamespace, "creds", ["K"], g =>
        {
            g.Spec.Target = new SecretTargetSpec { Name = "secretgroup-operator-credentials" };
            g.Spec.Collaborators = [new Collaborator { RoleId = GroupRoles.Editor, Subject = "user:mallory" }];
        });

        await h.WaitForGroupAsync(OperatorHarness.OperatorNamespace, "creds", "False", "SecretConflict");
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, OperatorHarness.OperatorNamespace, "secretgroup-operator-credentials"));
        await Attackers.AssertIntactAsync(h, credentials);
    }

    [Fact]
    public async Task CollaboratorsLoseTheSecret_WhenTheGroupStopsOwningIt()
    {
        await using var h = await Attackers.StartAsync();
        var victim = await Attackers.CreateVictimSecretAsync(h, "team-a", "db-credentials", "hunter2");
        using var bob = Attackers.Nobody(h, "bob");
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync("team-a", "g", ["K"], g => g.Spec.Collaborators = [new Collaborator { RoleId = GroupRoles.Editor, Subject = "user:bob" }]);
        await h.WaitForGroupAsync("team-a", "g", "True", "Synced");
        await OperatorHarness.WaitForAsync(async () => await Attackers.ReadSecretAsync(bob, "team-a", "g") == HttpStatusCode.OK, "bob, an editor, reads the group's Secret");

        await h.UpdateAsync<SecretGroup>(new ObjectKey("team-a", "g"), g => g.Spec.Target = new SecretTargetSpec { Name = "db-credentials" });

        await h.WaitForGroupAsync("team-a", "g", "False", "SecretConflict");
        await OperatorHarness.WaitForAsync(async () => await Attackers.ReadSecretAsync(bob, "team-a", "g") == HttpStatusCode.Forbidden, "bob loses the Secret the group no longer targets");
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(bob, "team-a", "db-credentials"));
        await Attackers.AssertIntactAsync(h, victim);
    }

    [Fact]
    public async Task Editor_CannotChangeTheGroupsSpec_OnlyAnAdminCan()
    {
        await using var h = await Attackers.StartAsync();
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync("team-a", "g", ["K"], g => g.Spec.Collaborators =
        [
            new Collaborator { RoleId = GroupRoles.Editor, Subject = "user:bob" },
            new Collaborator { RoleId = GroupRoles.Admin, Subject = "user:alice" },
        ]);
        await h.WaitForGroupAsync("team-a", "g", "True", "Synced");
        using var bob = Attackers.Nobody(h, "bob");
        using var alice = Attackers.Nobody(h, "alice");
        await OperatorHarness.WaitForAsync(async () => await Attackers.ReadSecretAsync(bob, "team-a", "g") == HttpStatusCode.OK, "bob, an editor, reads the group's Secret");
        var before = await h.GetGroupAsync("team-a", "g");

        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.UpdateGroupAsync(bob, "team-a", "g", g => g.Spec.Collaborators!.Single(c => c.Subject == "user:bob").RoleId = GroupRoles.Admin));
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.UpdateGroupAsync(bob, "team-a", "g", g => g.Spec.SharedWithNamespaces = ["team-b"]));
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.UpdateGroupAsync(bob, "team-a", "g", g => g.Spec.Target = new SecretTargetSpec { Name = "elsewhere" }));
        var after = await h.GetGroupAsync("team-a", "g");
        Assert.Equal(before!.Metadata.Generation, after!.Metadata.Generation);

        Assert.Equal(HttpStatusCode.OK, await Attackers.UpdateGroupAsync(alice, "team-a", "g", g => g.Spec.SharedWithNamespaces = ["team-b"]));
    }

    [Theory]
    [InlineData("team:system:authenticated")]
    [InlineData("team:system:masters")]
    [InlineData("user:system:serviceaccount:team-b:robot")]
    [InlineData("user:system:anonymous")]
    public async Task SystemSubjects_AreRefusedAsCollaborators(string subject)
    {
        await using var h = await Attackers.StartAsync();
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync("team-a", "g", ["K"], g => g.Spec.Collaborators = [new Collaborator { RoleId = GroupRoles.Editor, Subject = subject }]);

        var refused = await h.WaitForGroupAsync("team-a", "g", "False", "InvalidSpec");
        Assert.Contains("spec.collaborators[0].subject", refused.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        var bindings = (await h.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync("team-a")).Items;
        Assert.DoesNotContain(bindings.SelectMany(b => b.Subjects ?? []), s => s.Name.StartsWith("system:", StringComparison.Ordinal));
        using var anonymous = h.Emulator.CreateClientAs("system:serviceaccount:team-b:robot", "system:serviceaccounts");
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(anonymous, "team-a", "g"));
    }
}
