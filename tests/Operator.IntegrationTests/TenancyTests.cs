using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

public sealed class TenancyTests
{
    private static async Task<OperatorHarness> StartAsync(Action<OperatorHarness>? before = null)
    {
        var h = await OperatorHarness.StartAsync(startOperator: false);
        before?.Invoke(h);
        await h.StartOperatorAsync();
        await h.CreateNamespaceAsync("team-a");
        await h.CreateNamespaceAsync("team-b");
        return h;
    }

    private static async Task<V1RoleBinding?> BindingAsync(OperatorHarness h, string ns, string name)
    {
        var list = await h.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns);
        return list.Items.FirstOrDefault(b => b.Metadata.Name == name);
    }

    [Fact]
    public async Task Collaborators_BecomeRolesAndBindings_ThatFollowTheSpec()
    {
        await using var h = await StartAsync(x => x.Settings["TenantAdmins"] = "team:platform");
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "g", ["K"], g => g.Spec.Collaborators =
        [
            new Collaborator { RoleId = "secret-group-viewer", Subject = "team:ml" },
            new Collaborator { RoleId = "secret-group-editor", Subject = "user:bob@example.com" },
            new Collaborator { RoleId = "secret-group-admin", Subject = "user:alice@example.com" },
        ]);
        await h.WaitForGroupAsync("team-a", "g", "True", "Synced");

        var roles = (await h.Client.RbacAuthorizationV1.ListNamespacedRoleAsync("team-a")).Items.ToDictionary(r => r.Metadata.Name);
        var viewer = roles["secretgroup-g-viewer"];
        Assert.Equal(["get", "list", "watch"], Assert.Single(viewer.Rules).Verbs);
        Assert.Equal(["g"], viewer.Rules[0].ResourceNames);
        var editor = roles["secretgroup-g-editor"];
        Assert.Contains(editor.Rules, r => r.Resources.Contains("secrets") && r.ResourceNames.SequenceEqual(["g"]) && r.Verbs.SequenceEqual(["get"]));
        Assert.DoesNotContain("delete", editor.Rules[0].Verbs);
        Assert.Contains("delete", roles["secretgroup-g-admin"].Rules[0].Verbs);
        Assert.DoesNotContain(viewer.Rules, r => r.Resources.Contains("secrets"));

        var admin = await BindingAsync(h, "team-a", "secretgroup-g-admin");
        Assert.Equal([("User", "alice@example.com"), ("Group", "platform")], admin!.Subjects.Select(s => (s.Kind, s.Name)).OrderByDescending(p => p.Kind));
        Assert.Equal(("Group", "ml"), (Assert.Single((await BindingAsync(h, "team-a", "secretgroup-g-viewer"))!.Subjects).Kind, (await BindingAsync(h, "team-a", "secretgroup-g-viewer"))!.Subjects[0].Name));

        await h.UpdateAsync<SecretGroup>(new ObjectKey("team-a", "g"), g => g.Spec.Collaborators = g.Spec.Collaborators!.Where(c => c.RoleId != "secret-group-viewer").ToList());

        await OperatorHarness.WaitForAsync(async () => await BindingAsync(h, "team-a", "secretgroup-g-viewer") is null, "viewer binding removed");
        Assert.NotNull(await BindingAsync(h, "team-a", "secretgroup-g-admin"));
    }

    [Fact]
    public async Task NamespaceNotListedByTheIntegration_IsAccessDenied_AndNothingIsRead()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("g", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateIntegrationAsync(customize: i => i.Spec.Access = new IntegrationAccessSpec { Namespaces = ["team-b"] });
        var readsBefore = h.StoreReads();

        await h.CreateGroupAsync("team-a", "g", ["K"]);

        var group = await h.WaitForGroupAsync("team-a", "g", "False", "AccessDenied");
        Assert.Contains("spec.access.namespaces", group.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Equal(readsBefore, h.StoreReads());
        Assert.Null(await h.GetSecretAsync("team-a", "g"));
    }

    [Fact]
    public async Task PathOutsideTheGroupsLocation_NeedsAllowPathReferences()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("legacy", new Dictionary<string, string> { ["db"] = "pw" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "g", ["DB"], g => g.Spec.Secrets![0].RemoteRef = $"{h.Tenant}.legacy/db");

        var denied = await h.WaitForGroupAsync("team-a", "g", "False", "AccessDenied");
        Assert.Contains("allowPathReferences", denied.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);

        await h.UpdateAsync<SecretStoreIntegration>(new ObjectKey(null, "k8s-store"), i => i.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true });

        await h.WaitForGroupAsync("team-a", "g", "True", "Synced");
        Assert.Equal("pw", System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync("team-a", "g"))!.Data["DB"]));
    }

    [Fact]
    public async Task SecondGroupWithTheSameName_IsFqnConflict_EvenAfterTheOlderIsDeleted_UntilAnAdminMovesTheClaim()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("dup", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "dup", ["K"]);
        await h.WaitForGroupAsync("team-a", "dup", "True", "Synced");
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));

        await h.CreateGroupAsync("team-b", "dup", ["K"]);

        var conflict = await h.WaitForGroupAsync("team-b", "dup", "False", "FqnConflict");
        Assert.Contains("team-a", conflict.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync("team-b", "dup"));
        await h.WaitForGroupAsync("team-a", "dup", "True", "Synced");

        await new ResourceClient<SecretGroup>(h.Client).DeleteAsync(new ObjectKey("team-a", "dup"), CancellationToken.None);

        // The claim outlives the group: the namesake stays refused, and says who owns the name and how it moves.
        var claimed = await h.WaitForGroupAsync("team-b", "dup", "False", "FqnConflict", g => Ready(g).Contains("already used by namespace 'team-a'", StringComparison.Ordinal));
        Assert.Contains($"claim ConfigMap {OperatorHarness.OperatorNamespace}/fqn.{h.Tenant}.dup", Ready(claimed), StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync("team-b", "dup"));

        // The explicit admin action: release the claim; the remaining group of that name claims it.
        await h.Client.CoreV1.DeleteNamespacedConfigMapAsync($"fqn.{h.Tenant}.dup", OperatorHarness.OperatorNamespace);

        await h.WaitForGroupAsync("team-b", "dup", "True", "Synced");
        var moved = await h.Client.CoreV1.ReadNamespacedConfigMapAsync($"fqn.{h.Tenant}.dup", OperatorHarness.OperatorNamespace);
        Assert.Equal("team-b", moved.Data["namespace"]);
    }

    private static string Ready(SecretGroup g) => g.Status?.Conditions?.SingleOrDefault(c => c.Type == "Ready")?.Message ?? "";

    [Fact]
    public async Task Alias_CopiesAnotherGroupsKey_AndFollowsItsChanges()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("source", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "source", ["K"], g => g.Spec.RefreshInterval = "10m");
        await h.CreateGroupAsync("team-a", "alias", ["COPY"], g =>
        {
            g.Spec.RefreshInterval = "10h";
            g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:source:K";
        });

        // An alias reconciled before its source synced backs off on the fake clock; let that backoff pass.
        await h.WaitForGroupAsync("team-a", "source", "True", "Synced");
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        var alias = await h.WaitForGroupAsync("team-a", "alias", "True", "Synced");
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync("team-a", "alias"))!.Data["COPY"]));
        Assert.Equal($"tfy-secret://{h.Tenant}:source:K", alias.Status!.Secrets![0].RemoteRef);

        await h.SetSourceValuesAsync("source", new Dictionary<string, string> { ["K"] = "v2" });
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));

        await OperatorHarness.WaitForAsync(
            async () => System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync("team-a", "alias"))!.Data["COPY"]) == "v2",
            "alias follows the source group's new value");
    }

    [Fact]
    public async Task AliasAcrossNamespaces_NeedsSharedWithNamespaces()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("shared", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "shared", ["K"]);
        await h.CreateGroupAsync("team-b", "consumer", ["K"], g => g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:shared:K");

        var denied = await h.WaitForGroupAsync("team-b", "consumer", "False", "AccessDenied");
        Assert.Contains("sharedWithNamespaces", denied.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);

        await h.UpdateAsync<SecretGroup>(new ObjectKey("team-a", "shared"), g => g.Spec.SharedWithNamespaces = ["team-b"]);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));

        await h.WaitForGroupAsync("team-b", "consumer", "True", "Synced");
    }

    [Fact]
    public async Task AliasCycle_IsRefused()
    {
        await using var h = await StartAsync();
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync("team-a", "x", ["K"], g => g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:y:K");
        await h.CreateGroupAsync("team-a", "y", ["K"], g => g.Spec.Secrets![0].RemoteRef = $"tfy-secret://{h.Tenant}:x:K");

        var x = await h.WaitForGroupAsync("team-a", "x", "False", "ReferenceCycle");
        Assert.Contains("team-a/x:K -> team-a/y:K -> team-a/x:K", x.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
    }
}
