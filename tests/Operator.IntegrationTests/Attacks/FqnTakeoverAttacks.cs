using System.Net;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// Issue 16 defect 3: a namesake waiting in FqnConflict in another namespace never inherits a group's FQN, so never
/// its default store location or its aliases: not when the owner is deleted, nor when GitOps re-creates it.
/// </summary>
public sealed class FqnTakeoverAttacks
{
    [Fact]
    public async Task NamesakeInFqnConflict_NeverInheritsTheVictimsLocation_WhenTheVictimIsDeletedAndRecreated()
    {
        await using var h = await Attackers.StartAsync();
        using var mallory = await VictimAndWaitingNamesakeAsync(h);
        var groupsAsMallory = new ResourceClient<SecretGroup>(mallory);

        // GitOps replaces the victim: delete, then create again.
        await new ResourceClient<SecretGroup>(h.Client).DeleteAsync(new ObjectKey("team-a", "payments"), CancellationToken.None);
        await OperatorHarness.WaitForAsync(async () => await h.GetGroupAsync("team-a", "payments") is null, "the victim group to be gone");
        await h.WaitForGroupAsync("team-b", "payments", "False", "FqnConflict", g => Ready(g).Contains("already used by namespace 'team-a'", StringComparison.Ordinal));
        Assert.Null(await h.GetSecretAsync("team-b", "payments"));

        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        await h.CreateGroupAsync("team-a", "payments", ["API_KEY"]);

        var victim = await h.WaitForGroupAsync("team-a", "payments", "True", "Synced");
        Assert.Equal("victim-value", System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync("team-a", "payments"))!.Data["API_KEY"]));
        Assert.Equal($"{h.Tenant}:payments", victim.Status!.Fqn);
        var attacker = await groupsAsMallory.GetAsync(new ObjectKey("team-b", "payments"), CancellationToken.None);
        Assert.Equal("FqnConflict", attacker!.Status!.Conditions!.Single(c => c.Type == "Ready").Reason);
        Assert.Null(attacker.Status.Secrets);
        Assert.Null(await h.GetSecretAsync("team-b", "payments"));
    }

    [Fact]
    public async Task AliasInTheAttackersNamespace_DoesNotFollowTheNameToTheAttacker_WhileTheVictimIsGone()
    {
        await using var h = await Attackers.StartAsync();
        using var mallory = await VictimAndWaitingNamesakeAsync(h);
        var groupsAsMallory = new ResourceClient<SecretGroup>(mallory);

        await new ResourceClient<SecretGroup>(h.Client).DeleteAsync(new ObjectKey("team-a", "payments"), CancellationToken.None);
        var alias = Group("team-b", "copy", h.FqnOf(), "STOLEN");
        alias.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:payments:API_KEY";
        await groupsAsMallory.CreateAsync(alias, CancellationToken.None);

        await h.WaitForGroupAsync("team-b", "copy", "False", "AliasNotFound");
        Assert.Null(await h.GetSecretAsync("team-b", "copy"));
        Assert.Equal("FqnConflict", (await h.GetGroupAsync("team-b", "payments"))!.Status!.Conditions!.Single(c => c.Type == "Ready").Reason);
    }

    /// <summary>The victim's synced team-a/payments, and mallory's namesake in team-b waiting in FqnConflict; mallory's client.</summary>
    private static async Task<IKubernetes> VictimAndWaitingNamesakeAsync(OperatorHarness h)
    {
        await h.SetSourceValuesAsync("payments", new Dictionary<string, string> { ["API_KEY"] = "victim-value" });
        await h.CreateGroupAsync("team-a", "payments", ["API_KEY"]);
        await h.WaitForGroupAsync("team-a", "payments", "True", "Synced");
        var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-b");
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        await new ResourceClient<SecretGroup>(mallory).CreateAsync(Group("team-b", "payments", h.FqnOf(), "API_KEY"), CancellationToken.None);
        await h.WaitForGroupAsync("team-b", "payments", "False", "FqnConflict");
        return mallory;
    }

    private static SecretGroup Group(string ns, string name, string integrationFqn, string key) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new SecretGroupSpec { IntegrationFqn = integrationFqn, Secrets = [new SecretKeySpec { Key = key }] },
    };

    private static string Ready(SecretGroup g) => g.Status?.Conditions?.SingleOrDefault(c => c.Type == "Ready")?.Message ?? "";
}
