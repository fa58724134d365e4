using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>spec.target.creationPolicy (Owner, Orphan, Merge), deletionPolicy (Retain, Delete) and immutable, against the emulator.</summary>
public sealed class TargetPolicyTests
{
    private const string Ns = "team-policy";

    private static Task<OperatorHarness> StartAsync() => OperatorHarness.StartWithIntegrationAsync(Ns);

    private static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    private static Action<SecretGroup> Target(Action<SecretTargetSpec> set, string? refresh = null) => g =>
    {
        g.Spec.Target = new SecretTargetSpec();
        set(g.Spec.Target);
        g.Spec.RefreshInterval = refresh;
    };

    [Fact]
    public async Task Orphan_SecretOutlivesTheGroup_AndARecreatedGroupTakesItOver()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("keep", new Dictionary<string, string> { ["K"] = "v1" });
        await h.SetSourceValuesAsync("owned", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateGroupAsync(Ns, "keep", ["K"], Target(t => t.CreationPolicy = "Orphan"));
        await h.CreateGroupAsync(Ns, "owned", ["K"]);
        var keep = await h.WaitForGroupAsync(Ns, "keep", "True", "Synced");
        await h.WaitForGroupAsync(Ns, "owned", "True", "Synced");

        var orphan = (await h.GetSecretAsync(Ns, "keep"))!;
        Assert.Null(orphan.Metadata.OwnerReferences);
        Assert.Equal(keep.Metadata.Uid, orphan.Metadata.Annotations[ManagedLabels.GroupUid]);

        await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Entities.V1Alpha1.Api.Group, Entities.V1Alpha1.Api.Version, Ns, "secretgroups", "keep");
        await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Entities.V1Alpha1.Api.Group, Entities.V1Alpha1.Api.Version, Ns, "secretgroups", "owned");
        await OperatorHarness.WaitForAsync(async () => await h.GetSecretAsync(Ns, "owned") is null, "the Owner group's Secret to be garbage-collected");
        Assert.Equal("v1", Text((await h.GetSecretAsync(Ns, "keep"))!, "K"));

        // GitOps re-creates the group (a new uid): it manages the orphaned Secret again instead of reporting a conflict.
        await h.SetSourceValuesAsync("keep", new Dictionary<string, string> { ["K"] = "v2" });
        await h.CreateGroupAsync(Ns, "keep", ["K"], Target(t => t.CreationPolicy = "Orphan"));
        var again = await h.WaitForGroupAsync(Ns, "keep", "True", "Synced");
        var adopted = (await h.GetSecretAsync(Ns, "keep"))!;
        Assert.Equal("v2", Text(adopted, "K"));
        Assert.Equal(again.Metadata.Uid, adopted.Metadata.Annotations[ManagedLabels.GroupUid]);
        Assert.Equal(orphan.Metadata.Uid, adopted.Metadata.Uid);

        // Switching to Owner puts the owner reference back, so the Secret goes with the group.
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "keep"), g => g.Spec.Target!.CreationPolicy = "Owner");
        await OperatorHarness.WaitForAsync(async () => (await h.GetSecretAsync(Ns, "keep"))?.Metadata.OwnerReferences?.SingleOrDefault()?.Uid == again.Metadata.Uid, "the owner reference");
        Assert.False((await h.GetSecretAsync(Ns, "keep"))!.Metadata.Annotations.ContainsKey(ManagedLabels.GroupUid));
    }

    [Fact]
    public async Task Merge_AddsKeysToAForeignSecret_TouchingNothingElse_AndGrantsNothingOnIt()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("merger", new Dictionary<string, string> { ["A"] = "a1", ["B"] = "b1" });
        var foreign = await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "app-config",
                Labels = new Dictionary<string, string> { ["app"] = "web" },
                Annotations = new Dictionary<string, string> { ["note"] = "hand-made", [ManagedLabels.MergeAllowedFrom] = "merger, second" },
            },
            Type = "kubernetes.io/basic-auth",
            StringData = new Dictionary<string, string> { ["username"] = "admin", ["password"] = "pw" },
        }, Ns);
        await h.CreateGroupAsync(Ns, "merger", ["A", "B"], g =>
        {
            g.Spec.Target = new SecretTargetSpec { Name = "app-config", CreationPolicy = "Merge" };
            g.Spec.Collaborators = [new Collaborator { RoleId = "secret-group-viewer", Subject = "user:alice" }];
        });
        var group = await h.WaitForGroupAsync(Ns, "merger", "True", "Synced");

        var merged = (await h.GetSecretAsync(Ns, "app-config"))!;
        Assert.Equal(["A", "B", "password", "username"], merged.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("a1", "b1", "admin", "pw"), (Text(merged, "A"), Text(merged, "B"), Text(merged, "username"), Text(merged, "password")));
        Assert.Equal(foreign.Metadata.Labels, merged.Metadata.Labels);
        Assert.Equal("kubernetes.io/basic-auth", merged.Type);
        Assert.Null(merged.Metadata.OwnerReferences);
        Assert.Equal("hand-made", merged.Metadata.Annotations["note"]);
        Assert.Equal(group.Status!.DataHash, merged.Metadata.Annotations[ManagedLabels.MergedHash]);

        // Collaborators get the group, never the Secret merged into.
        var roles = await h.Client.RbacAuthorizationV1.ListNamespacedRoleAsync(Ns);
        Assert.NotEmpty(roles.Items);
        Assert.DoesNotContain(roles.Items.SelectMany(r => r.Rules), r => r.Resources.Contains("secrets"));

        // A key the group drops is removed; the others stay.
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "merger"), g => g.Spec.Secrets = [new SecretKeySpec { Key = "A" }]);
        await h.WaitForGroupAsync(Ns, "merger", "True", "Synced", g => g.Status?.ObservedGeneration == 2 && g.Status.KeyCount == 1);
        Assert.Equal(["A", "password", "username"], (await h.GetSecretAsync(Ns, "app-config"))!.Data.Keys.Order(StringComparer.Ordinal));

        // Another group may not merge into it, nor Merge into a Secret another group manages.
        await h.SetSourceValuesAsync("second", new Dictionary<string, string> { ["C"] = "c1" });
        await h.CreateGroupAsync(Ns, "second", ["C"], Target(t => { t.Name = "app-config"; t.CreationPolicy = "Merge"; }));
        var refused = await h.WaitForGroupAsync(Ns, "second", "False", "SecretConflict");
        Assert.Contains("spec.target.creationPolicy: Secret 'team-policy/app-config' is managed by another SecretGroup (it merged keys into it)", refused.Status!.Conditions![0].Message, StringComparison.Ordinal);
        await h.SetSourceValuesAsync("owner", new Dictionary<string, string> { ["D"] = "d1" });
        await h.CreateGroupAsync(Ns, "owner", ["D"], Target(t => t.Name = "merger-owned"));
        await h.WaitForGroupAsync(Ns, "owner", "True", "Synced");
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "second"), g => g.Spec.Target!.Name = "merger-owned");
        var intoOwned = await h.WaitForGroupAsync(Ns, "second", "False", "SecretConflict", g => g.Status?.ObservedGeneration == 2);
        Assert.Contains("is managed by SecretGroup 'owner'", intoOwned.Status!.Conditions![0].Message, StringComparison.Ordinal);
        Assert.Equal(["D"], (await h.GetSecretAsync(Ns, "merger-owned"))!.Data.Keys);
        Assert.Equal(["A", "password", "username"], (await h.GetSecretAsync(Ns, "app-config"))!.Data.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeletionPolicy_DeleteRemovesAVanishedKey_RetainKeepsTheSecretAndSaysWhy()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("drop", new Dictionary<string, string> { ["A"] = "a1", ["B"] = "b1" });
        await h.SetSourceValuesAsync("keep", new Dictionary<string, string> { ["A"] = "a1", ["B"] = "b1" });
        await h.CreateGroupAsync(Ns, "drop", ["A", "B"], Target(t => t.DeletionPolicy = "Delete", "10s"));
        await h.CreateGroupAsync(Ns, "keep", ["A", "B"], Target(t => t.DeletionPolicy = "Retain", "10s"));
        await h.WaitForGroupAsync(Ns, "drop", "True", "Synced");
        await h.WaitForGroupAsync(Ns, "keep", "True", "Synced");

        await h.SetSourceValuesAsync("drop", new Dictionary<string, string> { ["A"] = "a2" });
        await h.SetSourceValuesAsync("keep", new Dictionary<string, string> { ["A"] = "a2" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));

        var dropped = await h.WaitForGroupAsync(Ns, "drop", "True", "Synced", g => g.Status?.KeyCount == 1);
        var secret = (await h.GetSecretAsync(Ns, "drop"))!;
        Assert.Equal(["A"], secret.Data.Keys);
        Assert.Equal("a2", Text(secret, "A"));
        Assert.True(dropped.Status!.Secrets!.Single(k => k.Key == "B").Absent);
        Assert.EndsWith("; not in the store, so left out (target.deletionPolicy Delete): B", dropped.Status.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);

        var kept = await h.WaitForGroupAsync(Ns, "keep", "False", "SecretNotFound");
        Assert.Contains("B (", kept.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        var unchanged = (await h.GetSecretAsync(Ns, "keep"))!;
        Assert.Equal(("a1", "b1"), (Text(unchanged, "A"), Text(unchanged, "B")));

        // The key comes back to the store: it comes back to the Secret.
        await h.SetSourceValuesAsync("drop", new Dictionary<string, string> { ["A"] = "a2", ["B"] = "b2" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        await h.WaitForGroupAsync(Ns, "drop", "True", "Synced", g => g.Status?.KeyCount == 2);
        Assert.Equal("b2", Text((await h.GetSecretAsync(Ns, "drop"))!, "B"));
    }

    [Fact]
    public async Task Immutable_SecretIsImmutable_AndANewValueReplacesIt()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("frozen", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateGroupAsync(Ns, "frozen", ["K"], Target(t => t.Immutable = true, "10s"));
        await h.WaitForGroupAsync(Ns, "frozen", "True", "Synced");
        var first = (await h.GetSecretAsync(Ns, "frozen"))!;
        Assert.True(first.Immutable);

        await h.SetSourceValuesAsync("frozen", new Dictionary<string, string> { ["K"] = "v2" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        await OperatorHarness.WaitForAsync(async () => (await h.GetSecretAsync(Ns, "frozen")) is { } s && Text(s, "K") == "v2", "the immutable Secret to be replaced");
        var second = (await h.GetSecretAsync(Ns, "frozen"))!;
        Assert.True(second.Immutable);
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
        await h.WaitForGroupAsync(Ns, "frozen", "True", "Synced", g => g.Status?.DataHash == second.Metadata.Annotations[ManagedLabels.DataHash]);

        // immutable cannot be set back to false on a Secret either: turning it off replaces the Secret too.
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "frozen"), g => g.Spec.Target!.Immutable = false);
        await OperatorHarness.WaitForAsync(async () => (await h.GetSecretAsync(Ns, "frozen")) is { Immutable: not true }, "a mutable Secret");
        Assert.Equal("v2", Text((await h.GetSecretAsync(Ns, "frozen"))!, "K"));
        await h.WaitForGroupAsync(Ns, "frozen", "True", "Synced", g => g.Status?.ObservedGeneration == 2);
    }
}
