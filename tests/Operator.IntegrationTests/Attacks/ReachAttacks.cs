using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Attacks;

/// <summary>
/// A namespace user trying to reach what is not theirs through a SecretGroup: somebody else's Secrets by target name,
/// another namespace's group by alias (directly or through a third group), another group's store location by path,
/// an integration that does not admit their namespace. Each asserts what the attacker got (nothing) and that the
/// victim's Secret and status are intact.
/// </summary>
public sealed class ReachAttacks
{
    public static TheoryData<string, string, string> SpecialSecrets => new()
    {
        { "robot-token", "kubernetes.io/service-account-token", "token" },
        { "ingress-tls", "kubernetes.io/tls", "tls.key" },
        { "sh.helm.release.v1.app.v1", "helm.sh/release.v1", "release" },
    };

    [Theory]
    [MemberData(nameof(SpecialSecrets))]
    public async Task TargetNamingAServiceAccountTokenTlsOrHelmReleaseSecret_IsSecretConflict_AndLeavesItAlone(string name, string type, string key)
    {
        await using var h = await Attackers.StartAsync();
        var data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes("victim-" + key) };
        if (type == "kubernetes.io/tls")
        {
            data["tls.crt"] = Encoding.UTF8.GetBytes("cert");
        }

        var victim = await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "team-a",
                Annotations = type == "kubernetes.io/service-account-token" ? new Dictionary<string, string> { ["kubernetes.io/service-account.name"] = "robot" } : null,
            },
            Type = type,
            Data = data,
        }, "team-a");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-a");
        await h.SetSourceValuesAsync("grab", new Dictionary<string, string> { ["K"] = "v" });

        await Attackers.CreateGroupTargetingAsync(h, mallory, "team-a", "grab", name, GroupRoles.Admin, "user:mallory");

        await h.WaitForGroupAsync("team-a", "grab", "False", "SecretConflict");
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, "team-a", name));
        await Attackers.AssertIntactAsync(h, victim);
    }

    [Fact]
    public async Task AliasToAGroupThatDoesNotShareWithTheNamespace_IsAccessDenied_DirectlyOrThroughAThirdGroup()
    {
        await using var h = await Attackers.StartAsync();
        await h.CreateNamespaceAsync("team-c");
        await h.SetSourceValuesAsync("origin", new Dictionary<string, string> { ["K"] = "victim-value" });

        // team-a shares with team-c (trusted), team-c's relay copies the key and shares with nobody.
        await h.CreateGroupAsync("team-a", "origin", ["K"], g => g.Spec.SharedWithNamespaces = ["team-c"]);
        await h.WaitForGroupAsync("team-a", "origin", "True", "Synced");
        await h.CreateGroupAsync("team-c", "relay", ["K"], g => g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:origin:K");
        await h.WaitForGroupAsync("team-c", "relay", "True", "Synced");
        var originBefore = await h.GetGroupAsync("team-a", "origin");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-b");
        var groups = new ResourceClient<SecretGroup>(mallory);

        await groups.CreateAsync(Alias("team-b", "direct", h, "origin"), CancellationToken.None);
        await groups.CreateAsync(Alias("team-b", "chained", h, "relay"), CancellationToken.None);

        var direct = await h.WaitForGroupAsync("team-b", "direct", "False", "AccessDenied");
        var chained = await h.WaitForGroupAsync("team-b", "chained", "False", "AccessDenied");
        Assert.Contains("sharedWithNamespaces does not list 'team-b'", Ready(direct), StringComparison.Ordinal);
        Assert.Contains("'team-c'", Ready(chained), StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync("team-b", "direct"));
        Assert.Null(await h.GetSecretAsync("team-b", "chained"));
        Assert.Equal(HttpStatusCode.Forbidden, await Attackers.ReadSecretAsync(mallory, "team-a", "origin"));
        var originAfter = await h.GetGroupAsync("team-a", "origin");
        Assert.Equal(originBefore!.Status!.DataHash, originAfter!.Status!.DataHash);
        Assert.Equal("victim-value", Encoding.UTF8.GetString((await h.GetSecretAsync("team-a", "origin"))!.Data["K"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RemoteRefToAnotherGroupsStoreLocation_IsAccessDenied_WithoutPathReferences_AndNothingIsRead(bool fullReference)
    {
        await using var h = await Attackers.StartAsync();
        await h.SetSourceValuesAsync("payments", new Dictionary<string, string> { ["API_KEY"] = "victim-value" });
        await h.CreateGroupAsync("team-a", "payments", ["API_KEY"]);
        await h.WaitForGroupAsync("team-a", "payments", "True", "Synced");
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-b");
        var readsBefore = h.StoreReads();

        await new ResourceClient<SecretGroup>(mallory).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "peek", NamespaceProperty = "team-b" },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = h.FqnOf(),
                Secrets = [new SecretKeySpec { Key = "STOLEN", RemoteRef = fullReference ? $"{h.FqnOf()}::{h.Tenant}.payments/API_KEY" : $"{h.Tenant}.payments/API_KEY" }],
            },
        }, CancellationToken.None);

        var peek = await h.WaitForGroupAsync("team-b", "peek", "False", "AccessDenied");
        Assert.Contains("allowPathReferences", Ready(peek), StringComparison.Ordinal);
        Assert.Equal(readsBefore, h.StoreReads());
        Assert.Null(await h.GetSecretAsync("team-b", "peek"));
        Assert.Equal("True", (await h.GetGroupAsync("team-a", "payments"))!.Status!.Conditions!.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task IntegrationWhoseAccessExcludesTheNamespace_IsAccessDenied_AndNothingIsRead()
    {
        await using var h = await Attackers.StartAsync();
        await h.CreateIntegrationAsync("team-a-only", i => i.Spec.Access = new IntegrationAccessSpec { Namespaces = ["team-a"] });
        await h.SetSourceValuesAsync("loot", new Dictionary<string, string> { ["K"] = "victim-value" });
        using var mallory = await Attackers.NamespaceUserAsync(h, "mallory", "team-b");
        var readsBefore = h.StoreReads();

        await new ResourceClient<SecretGroup>(mallory).CreateAsync(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "loot", NamespaceProperty = "team-b" },
            Spec = new SecretGroupSpec { IntegrationFqn = h.FqnOf("team-a-only"), Secrets = [new SecretKeySpec { Key = "K" }] },
        }, CancellationToken.None);

        var loot = await h.WaitForGroupAsync("team-b", "loot", "False", "AccessDenied");
        Assert.Contains("spec.access.namespaces does not list namespace 'team-b'", Ready(loot), StringComparison.Ordinal);
        Assert.Equal(readsBefore, h.StoreReads());
        Assert.Null(await h.GetSecretAsync("team-b", "loot"));
    }

    private static SecretGroup Alias(string ns, string name, OperatorHarness h, string target) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new SecretGroupSpec
        {
            IntegrationFqn = h.FqnOf(),
            Secrets = [new SecretKeySpec { Key = "STOLEN", RemoteRef = $"tfy-secret://{h.Tenant}:{target}:K" }],
            Collaborators = [new Collaborator { RoleId = GroupRoles.Editor, Subject = "user:mallory" }],
        },
    };

    private static string Ready(SecretGroup g) => g.Status?.Conditions?.SingleOrDefault(c => c.Type == "Ready")?.Message ?? "";
}
