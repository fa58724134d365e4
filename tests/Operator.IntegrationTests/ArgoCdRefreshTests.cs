using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using NLua;
using Operator.Entities.V1Alpha1;
using Operator.Testing;

namespace Operator.IntegrationTests;

/// <summary>
/// Issue 20, Must show 4: the Argo CD "refresh" resource action (deploy/argocd/refresh-action.lua, run by the real Lua
/// as Argo CD runs it) against the operator: Argo CD hands the live object to the script and merge-patches what it
/// returns (argo-cd server/application RunResourceAction: CreateMergePatch of live and new), and the group syncs once.
/// </summary>
public sealed class ArgoCdRefreshTests
{
    private const string Ns = "team-a";
    private const string Group = "argo-keys";

    [Fact]
    public async Task RefreshAction_SetsForceSync_AndTheOperatorSyncsTheGroupExactlyOnce()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync(Group, new Dictionary<string, string> { ["API_KEY"] = "v1" });
        var readsBefore = StoreReads(h);
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g => g.Spec.RefreshInterval = "1h");
        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");
        var readsPerSync = StoreReads(h) - readsBefore;
        Assert.True(readsPerSync > 0, "the first sync read the store");

        // The value changes in the store; the next periodic refresh is an hour away, so only the action brings it now.
        await h.SetSourceValuesAsync(Group, new Dictionary<string, string> { ["API_KEY"] = "v2" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        var readsBeforeAction = StoreReads(h);

        var live = await h.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Operator.Entities.V1Alpha1.Api.Group, Operator.Entities.V1Alpha1.Api.Version, Ns, SecretGroupPlural, Group);
        var returned = RunAction(File.ReadAllText(RepositoryFiles.Path("deploy/argocd/refresh-action.lua")), live.GetRawText());
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = Annotations(returned) } };
        await h.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Operator.Entities.V1Alpha1.Api.Group, Operator.Entities.V1Alpha1.Api.Version, Ns, SecretGroupPlural, Group);

        var synced = await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > first.Status!.LastSyncTime);
        Assert.Equal("v2", Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, Group))!.Data["API_KEY"]));
        Assert.Equal(readsPerSync, StoreReads(h) - readsBeforeAction);

        // Once: the recorded value does not sync again, neither with time (short of the interval) nor after a restart.
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        await h.StopOperatorAsync();
        await h.StartOperatorAsync();
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        var after = await h.WaitForGroupAsync(Ns, Group, "True");
        Assert.Equal(synced.Status!.LastSyncTime, after.Status!.LastSyncTime);
        Assert.Equal(readsPerSync, StoreReads(h) - readsBeforeAction);
    }

    private const string SecretGroupPlural = "secretgroups";

    /// <summary>Runs an Argo CD action script with <c>obj</c> set to <paramref name="objectJson"/>; returns the metadata.annotations it left.</summary>
    private static Dictionary<string, string> RunAction(string script, string objectJson)
    {
        using var lua = new Lua();
        lua.DoString("obj = " + LuaJson.Literal(objectJson));
        var result = (LuaTable)lua.DoString("return (function()\n" + script + "\nend)()")[0];
        var annotations = (LuaTable)((LuaTable)result["metadata"])["annotations"];
        return annotations.Keys.Cast<object>().ToDictionary(k => (string)k, k => (string)annotations[k]);
    }

    private static JsonObject Annotations(Dictionary<string, string> annotations) =>
        new(annotations.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    /// <summary>Reads of the group's source Secret by the operator (the built-in store's one call per sync).</summary>
    private static int StoreReads(OperatorHarness h) => h.Emulator.Requests.Count(r =>
        r.Method == "GET" && r.Path == $"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets/{OperatorHarness.DefaultTenant}.{Group}"
        && r.User.StartsWith("system:serviceaccount:", StringComparison.Ordinal));
}
