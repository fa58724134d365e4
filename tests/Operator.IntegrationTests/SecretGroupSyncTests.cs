using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

public sealed class SecretGroupSyncTests
{
    private const string Ns = "team-a";

    private static async Task<OperatorHarness> StartWithGroupAsync(Dictionary<string, string> values, Action<SecretGroup>? customize = null)
    {
        var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("openai-keys", values);
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "openai-keys", values.Keys, customize);
        return h;
    }

    private static string Value(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public async Task AppliedIntegrationAndGroup_ProduceSecretWithValuesAndKeyFqns()
    {
        await using var h = await StartWithGroupAsync(new() { ["OPENAI_API_KEY"] = "sk-1", ["DB_PASSWORD"] = "pw-1" });

        var group = await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        var secret = await h.GetSecretAsync(Ns, "openai-keys");
        Assert.NotNull(secret);
        Assert.Equal("sk-1", Value(secret, "OPENAI_API_KEY"));
        Assert.Equal("pw-1", Value(secret, "DB_PASSWORD"));
        Assert.Equal("secretgroup-operator", secret.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(group.Metadata.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);
        Assert.Equal(group.Status!.DataHash, secret.Metadata.Annotations["secrets.tfy.dev/data-hash"]);

        Assert.Equal("acme:openai-keys", group.Status.Fqn);
        Assert.Equal("openai-keys", group.Status.SecretName);
        Assert.Equal(2, group.Status.KeyCount);
        var key = Assert.Single(group.Status.Secrets!, s => s.Key == "OPENAI_API_KEY");
        Assert.Equal("tfy-secret://acme:openai-keys:OPENAI_API_KEY", key.Fqn);
        Assert.Equal("acme:kubernetes:local:secret-store:k8s-store::acme.openai-keys/OPENAI_API_KEY", key.RemoteRef);
        Assert.False(string.IsNullOrEmpty(key.Version));
        Assert.Equal(group.Metadata.Generation, group.Status.ObservedGeneration);
        Assert.Equal(h.Time.GetUtcNow().UtcDateTime, group.Status.LastSyncTime);
        Assert.True(group.Status.NextSyncTime >= group.Status.LastSyncTime + TimeSpan.FromHours(1));

        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None);
        Assert.Equal(h.FqnOf(), ssi!.Status!.Fqn);
        Assert.Equal("True", ssi.Status.Conditions!.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task PerKeyStatus_SurvivesReconcilesThatOnlyRestateIt()
    {
        await using var h = await StartWithGroupAsync(new() { ["A"] = "a-1", ["B"] = "b-1" });
        var synced = await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");
        var key = new ObjectKey(Ns, "openai-keys");

        // A metadata-only edit reconciles the fresh group again; that reconcile only restates the status.
        var reconciles = h.GroupReconciles(Ns, "openai-keys");
        await h.UpdateAsync<SecretGroup>(key, g => (g.Metadata.Labels ??= new Dictionary<string, string>())["touched"] = "1");
        await OperatorHarness.WaitForAsync(() => Task.FromResult(h.GroupReconciles(Ns, "openai-keys") > reconciles), "the edited group to be reconciled");
        Assert.Equal(synced.Status!.Secrets!.Count, (await h.GetGroupAsync(Ns, "openai-keys"))!.Status!.Secrets!.Count);
        await h.SetSourceValuesAsync("openai-keys", new Dictionary<string, string> { ["A"] = "a-2", ["B"] = "b-1" });
        await h.AdvanceAsync(TimeSpan.FromMinutes(70));

        await OperatorHarness.WaitForAsync(async () => Value((await h.GetSecretAsync(Ns, "openai-keys"))!, "A") == "a-2", "the new value");
        var group = await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");
        Assert.Equal(2, group.Status!.KeyCount);
        Assert.Equal(["A", "B"], group.Status.Secrets!.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(group.Status.Secrets!, s => Assert.False(string.IsNullOrEmpty(s.Version)));
        Assert.Contains("2 keys synced", group.Status.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiStampOnTheGroup_ResyncsAtOnce_AsTheLeaderSeesAnotherReplicasValueWrite()
    {
        await using var h = await StartWithGroupAsync(new() { ["A"] = "a-1" });
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");
        var key = new ObjectKey(Ns, "openai-keys");

        // What the REST API on a replica that is not the leader does: write the store, then stamp the group.
        await h.SetSourceValuesAsync("openai-keys", new Dictionary<string, string> { ["A"] = "a-2" });
        var stamp = h.Time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await h.UpdateAsync<SecretGroup>(key, g => (g.Metadata.Annotations ??= new Dictionary<string, string>())[ManagedLabels.ApiUpdatedAt] = stamp);

        await OperatorHarness.WaitForAsync(async () => Value((await h.GetSecretAsync(Ns, "openai-keys"))!, "A") == "a-2", "the new value without waiting for the refresh");
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced", g => g.Metadata.Annotations[ManagedLabels.ApiUpdatedAt] == stamp
            && g.Status!.SyncedInputs!.Annotations == SyncSchedule.AnnotationsStamp(g));
    }

    [Fact]
    public async Task ChangedSourceValue_IsSyncedAfterTheInterval_AndNotBefore()
    {
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = "v1" }, g => g.Spec.RefreshInterval = "10m");
        var first = await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");
        await h.SetSourceValuesAsync("openai-keys", new Dictionary<string, string> { ["API_KEY"] = "v2" });

        await h.AdvanceAsync(TimeSpan.FromMinutes(9));
        await h.WaitForGroupAsync(Ns, "openai-keys", "True");
        Assert.Equal("v1", Value((await h.GetSecretAsync(Ns, "openai-keys"))!, "API_KEY"));

        await h.AdvanceAsync(TimeSpan.FromMinutes(1.5));
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", and: g => g.Status!.LastSyncTime > first.Status!.LastSyncTime);
        Assert.Equal("v2", Value((await h.GetSecretAsync(Ns, "openai-keys"))!, "API_KEY"));
    }

    [Fact]
    public async Task SpecChange_ResyncsAtOnce()
    {
        await using var h = await StartWithGroupAsync(new() { ["A"] = "1", ["B"] = "2" }, g => g.Spec.Secrets = [new SecretKeySpec { Key = "A" }]);
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "openai-keys"), g => g.Spec.Secrets!.Add(new SecretKeySpec { Key = "B" }));

        await h.WaitForGroupAsync(Ns, "openai-keys", "True", and: g => g.Status!.KeyCount == 2);
        var secret = (await h.GetSecretAsync(Ns, "openai-keys"))!;
        Assert.Equal("2", Value(secret, "B"));
    }

    [Fact]
    public async Task StoreFailure_LeavesSecretByteForByte_AndSetsReadyFalse()
    {
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = "v1" }, g => g.Spec.RefreshInterval = "10m");
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");
        var before = KubernetesJson.Serialize((await h.GetSecretAsync(Ns, "openai-keys"))!);
        await h.SetSourceValuesAsync("openai-keys", new Dictionary<string, string> { ["API_KEY"] = "v2" });

        h.Emulator.Faults.FailNext(1000, 503, r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets", StringComparison.Ordinal));
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));

        var failed = await h.WaitForGroupAsync(Ns, "openai-keys", "False", "StoreUnavailable");
        var ready = failed.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Contains("the managed Secret is unchanged", ready.Message, StringComparison.Ordinal);
        Assert.Equal(before, KubernetesJson.Serialize((await h.GetSecretAsync(Ns, "openai-keys"))!));

        // Events are written in the background, after the status: wait for it rather than race it.
        await OperatorHarness.WaitForAsync(
            async () => (await h.Client.EventsV1.ListNamespacedEventAsync(Ns)).Items.Any(e => e.Type == "Warning" && e.Reason == "StoreUnavailable" && e.Regarding.Name == "openai-keys"),
            "a Warning StoreUnavailable Event");
    }

    [Fact]
    public async Task DeletedGroup_HasItsSecretGarbageCollected()
    {
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = "v1" });
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        await new ResourceClient<SecretGroup>(h.Client).DeleteAsync(new ObjectKey(Ns, "openai-keys"), CancellationToken.None);

        await OperatorHarness.WaitForAsync(async () => await h.GetSecretAsync(Ns, "openai-keys") is null, "managed Secret deleted");
    }

    [Fact]
    public async Task Restart_WithFreshGroups_ReadsNothingFromTheStoreUntilDue()
    {
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = "v1" }, g => g.Spec.RefreshInterval = "30m");
        for (var i = 0; i < 5; i++)
        {
            await h.SetSourceValuesAsync($"g{i}", new Dictionary<string, string> { ["K"] = $"v{i}" });
            await h.CreateGroupAsync(Ns, $"g{i}", ["K"], g => g.Spec.RefreshInterval = "30m");
        }

        for (var i = 0; i < 5; i++)
        {
            await h.WaitForGroupAsync(Ns, $"g{i}", "True", "Synced");
        }

        await h.StopOperatorAsync();
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        var readsBefore = h.StoreReads();

        await h.StartOperatorAsync();
        await OperatorHarness.WaitForAsync(
            () => Task.FromResult(Enumerable.Range(0, 5).All(i => h.GroupReconciles(Ns, $"g{i}") > 0)),
            "restarted controller to visit every group");
        Assert.Equal(readsBefore, h.StoreReads());

        await h.AdvanceAsync(TimeSpan.FromMinutes(25));
        await OperatorHarness.WaitForAsync(() => Task.FromResult(h.StoreReads() > readsBefore), "store reads once due");
    }

    [Fact]
    public async Task MissingSourceKey_SetsSecretNotFound_AndCreatesNoSecret()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("partial", new Dictionary<string, string> { ["A"] = "1" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "partial", ["A", "MISSING_KEY"]);

        var group = await h.WaitForGroupAsync(Ns, "partial", "False", "SecretNotFound");

        Assert.Contains("MISSING_KEY", group.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync(Ns, "partial"));
    }

    [Fact]
    public async Task GroupOnAnotherTenant_IsInvalidSpec_NamingTheField()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "other", ["A"], g => g.Spec.IntegrationFqn = "other-tenant:kubernetes:local:secret-store:k8s-store");

        var group = await h.WaitForGroupAsync(Ns, "other", "False", "InvalidSpec");

        Assert.StartsWith("spec.integrationFqn:", group.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagedSecretDeletedByHand_IsRestored()
    {
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = "v1" });
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        await h.Client.CoreV1.DeleteNamespacedSecretAsync("openai-keys", Ns);

        await OperatorHarness.WaitForAsync(async () => await h.GetSecretAsync(Ns, "openai-keys") is { } s && Value(s, "API_KEY") == "v1", "managed Secret restored");
    }

    [Fact]
    public async Task CanaryValues_NeverAppearInLogsEventsOrStatus()
    {
        const string canary = "CANARY-7f3a9c-do-not-leak";
        await using var h = await StartWithGroupAsync(new() { ["API_KEY"] = canary, ["OTHER"] = canary + "-2" });
        await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        // Also drive the failure path, whose messages are the likeliest to leak.
        h.Emulator.Faults.FailNext(1000, 500, r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets", StringComparison.Ordinal));
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        await h.WaitForGroupAsync(Ns, "openai-keys", "False");

        var group = await h.GetGroupAsync(Ns, "openai-keys");
        var events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None);
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(group) + KubernetesJson.Serialize(events) + KubernetesJson.Serialize(ssi);

        Assert.NotEmpty(h.AllLogs());
        Assert.NotEmpty(events.Items);
        Assert.DoesNotContain(canary, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), observed, StringComparison.Ordinal);
    }
}
