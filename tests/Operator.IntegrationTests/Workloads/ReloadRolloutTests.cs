using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Workloads;

namespace Operator.IntegrationTests.Workloads;

public sealed class ReloadRolloutTests
{
    private const string Ns = "team-a";
    private const string Group = "openai-keys";
    private const string HashAnnotation = "secrets.tfy.dev/data-hash.openai-keys";
    private const string RestartedAt = "secrets.tfy.dev/restartedAt";

    private static V1ObjectMeta Meta(string name, string ns, string? reload) => new()
    {
        Name = name,
        NamespaceProperty = ns,
        Annotations = reload is null ? null : new Dictionary<string, string> { ["secrets.tfy.dev/reload"] = reload },
    };

    private static V1PodTemplateSpec Template(string app) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "app:1" }] },
    };

    private static V1LabelSelector Selector(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    internal static Task<V1Deployment> DeploymentAsync(OperatorHarness h, string name, string ns, string? reload) =>
        h.Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment { Metadata = Meta(name, ns, reload), Spec = new V1DeploymentSpec { Selector = Selector(name), Template = Template(name) } }, ns);

    private static async Task<IDictionary<string, string>?> DeploymentTemplateAnnotationsAsync(OperatorHarness h, string name, string ns = Ns) =>
        (await h.Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns)).Spec.Template.Metadata.Annotations;

    private static async Task<OperatorHarness> StartAsync()
    {
        var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateNamespaceAsync("team-c");
        await h.SetSourceValuesAsync(Group, new Dictionary<string, string> { ["API_KEY"] = "v1" });
        await h.CreateIntegrationAsync();
        return h;
    }

    /// <summary>Changes the source value and moves time past the refresh interval; returns the group after the resync.</summary>
    private static async Task<SecretGroup> ChangeAndResyncAsync(OperatorHarness h, SecretGroup before, string value)
    {
        await h.SetSourceValuesAsync(Group, new Dictionary<string, string> { ["API_KEY"] = value });
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));
        var synced = await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > before.Status!.LastSyncTime && g.Status.DataHash != before.Status.DataHash);

        // Workloads restart once the rollout window after the change has passed (DebouncedRolloutTests).
        await h.AdvanceAsync(RolloutOptions.DefaultWindow);
        return synced;
    }

    /// <summary>Waits until the rollout controllers have recorded <paramref name="hash"/> on each named workload's pod template.</summary>
    private static Task WaitForHashAsync(OperatorHarness h, string hash, params string[] names) => OperatorHarness.WaitForAsync(async () =>
    {
        foreach (var name in names)
        {
            var annotations = name switch
            {
                "db" => (await h.Client.AppsV1.ReadNamespacedStatefulSetAsync(name, Ns)).Spec.Template.Metadata.Annotations,
                "agent" => (await h.Client.AppsV1.ReadNamespacedDaemonSetAsync(name, Ns)).Spec.Template.Metadata.Annotations,
                _ => await DeploymentTemplateAnnotationsAsync(h, name),
            };
            if (annotations?.TryGetValue(HashAnnotation, out var seen) != true || seen != hash)
            {
                return false;
            }
        }

        return true;
    }, $"rollout of {string.Join(", ", names)}");

    /// <summary>Has the Deployment controller reconcile <paramref name="name"/> once more and waits until it has.</summary>
    private static async Task ReconcileAgainAsync(OperatorHarness h, string name)
    {
        var line = $"Deployment {Ns}/{name} reconciled";
        var before = h.AllLogs().Count(l => l.Contains(line, StringComparison.Ordinal));
        h.Host!.Services.GetRequiredService<IControllerQueue<V1Deployment>>().Enqueue(new ObjectKey(Ns, name));
        await OperatorHarness.WaitForAsync(() => Task.FromResult(h.AllLogs().Count(l => l.Contains(line, StringComparison.Ordinal)) > before), $"{line} again");
    }

    [Fact]
    public async Task ChangedGroupData_RollsAnnotatedWorkloadsOnce_AndLeavesOthersAlone()
    {
        await using var h = await StartAsync();
        await DeploymentAsync(h, "web", Ns, Group);
        await DeploymentAsync(h, "plain", Ns, null);
        await DeploymentAsync(h, "elsewhere", "team-c", Group);
        await h.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet { Metadata = Meta("db", Ns, $"other, {Group}"), Spec = new V1StatefulSetSpec { Selector = Selector("db"), Template = Template("db") } }, Ns);
        await h.Client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet { Metadata = Meta("agent", Ns, Group), Spec = new V1DaemonSetSpec { Selector = Selector("agent"), Template = Template("agent") } }, Ns);
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g => g.Spec.RefreshInterval = "10m");

        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "web"));
        var webGeneration = (await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns)).Metadata.Generation;

        const string canary = "canary-7Hq2-rotated-value";
        var changed = await ChangeAndResyncAsync(h, first, canary);
        var newHash = changed.Status!.DataHash!;
        var expectedTime = h.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await WaitForHashAsync(h, newHash, "web", "db", "agent");

        var web = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns);
        Assert.Equal(newHash, web.Spec.Template.Metadata.Annotations[HashAnnotation]);
        Assert.Equal(expectedTime, web.Spec.Template.Metadata.Annotations[RestartedAt]);
        Assert.Equal(webGeneration + 1, web.Metadata.Generation);
        Assert.Equal("app:1", web.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal(newHash, (await h.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", Ns)).Spec.Template.Metadata.Annotations[HashAnnotation]);
        Assert.Equal(newHash, (await h.Client.AppsV1.ReadNamespacedDaemonSetAsync("agent", Ns)).Spec.Template.Metadata.Annotations[HashAnnotation]);
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "plain"));
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "elsewhere", "team-c"));

        await OperatorHarness.WaitForAsync(async () => (await h.Client.EventsV1.ListNamespacedEventAsync(Ns)).Items
            .Any(e => e.Reason == "SecretsChanged" && e.Regarding.Name == "web" && e.Regarding.Kind == "Deployment"), "SecretsChanged Event on the Deployment");

        // A resync without a change, and another reconcile of the same workload, roll nothing.
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));
        await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > changed.Status.LastSyncTime);
        await ReconcileAgainAsync(h, "web");
        var after = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns);
        Assert.Equal(web.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(expectedTime, after.Spec.Template.Metadata.Annotations[RestartedAt]);

        var events = KubernetesJson.Serialize(await h.Client.EventsV1.ListNamespacedEventAsync(Ns));
        Assert.DoesNotContain(canary, events, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, KubernetesJson.Serialize(after), StringComparison.Ordinal);
        Assert.DoesNotContain(h.AllLogs(), l => l.Contains(canary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedPatch_IsReportedAsAnEvent_AndTheGroupStillSyncs()
    {
        await using var h = await StartAsync();
        await DeploymentAsync(h, "web", Ns, Group);
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g => g.Spec.RefreshInterval = "10m");
        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");

        h.Emulator.Faults.FailNext(1, 500, r => r.Method == "PATCH" && r.Path.Contains("/deployments/", StringComparison.Ordinal));
        var changed = await ChangeAndResyncAsync(h, first, "v2");

        Assert.Equal("Synced", changed.Status!.Conditions!.Single(c => c.Type == "Ready").Reason);
        Assert.Equal("v2", System.Text.Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, Group))!.Data["API_KEY"]));
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "web"));
        await OperatorHarness.WaitForAsync(async () => (await h.Client.EventsV1.ListNamespacedEventAsync(Ns)).Items
            .Any(e => e.Type == "Warning" && e.Reason == "RolloutFailed" && e.Regarding.Name == "web"), "RolloutFailed Event on the Deployment");
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "web"));
        Assert.DoesNotContain(h.AllLogs(), l => l.Contains("v2", StringComparison.Ordinal) && l.Contains("Rollout", StringComparison.Ordinal));

        // The failed patch is retried with the key's backoff (500 ms first), so the workload rolls after all.
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        await WaitForHashAsync(h, changed.Status.DataHash!, "web");
    }

    [Fact]
    public async Task RestartOfTheOperator_RollsNothing_AndAWorkloadCreatedAfterTheChange_IsNotRolled()
    {
        await using var h = await StartAsync();
        await DeploymentAsync(h, "web", Ns, Group);
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g => g.Spec.RefreshInterval = "10m");
        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");
        var changed = await ChangeAndResyncAsync(h, first, "v2");
        await WaitForHashAsync(h, changed.Status!.DataHash!, "web");
        await DeploymentAsync(h, "late", Ns, Group);
        await ReconcileAgainAsync(h, "late");
        var web = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns);

        await h.StopOperatorAsync();
        await h.StartOperatorAsync();
        await ReconcileAgainAsync(h, "web");
        await ReconcileAgainAsync(h, "late");

        Assert.Equal(web.Metadata.ResourceVersion, (await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns)).Metadata.ResourceVersion);
        Assert.Null(await DeploymentTemplateAnnotationsAsync(h, "late"));
    }

    [Fact]
    public async Task ChangeAfterARestart_StillRolls()
    {
        await using var h = await StartAsync();
        await DeploymentAsync(h, "web", Ns, Group);
        await h.CreateGroupAsync(Ns, Group, ["API_KEY"], g => g.Spec.RefreshInterval = "10m");
        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");

        await h.StopOperatorAsync();
        await h.StartOperatorAsync();
        var changed = await ChangeAndResyncAsync(h, first, "v2");
        await WaitForHashAsync(h, changed.Status!.DataHash!, "web");

        Assert.Equal(changed.Status!.DataHash, (await DeploymentTemplateAnnotationsAsync(h, "web"))![HashAnnotation]);
    }

    [Theory]
    [InlineData("openai-keys", "secrets.tfy.dev/data-hash.openai-keys")]
    [InlineData("a-group-name-that-is-exactly-sixty-three-characters-long-abcdef", null)]
    public void HashAnnotationName_FitsTheKubernetesLimit(string group, string? expected)
    {
        var name = ReloadAnnotations.DataHash(group);
        Assert.True(name["secrets.tfy.dev/".Length..].Length <= 63);
        if (expected is not null)
        {
            Assert.Equal(expected, name);
        }
        else
        {
            Assert.StartsWith("secrets.tfy.dev/data-hash.a-group-name", name, StringComparison.Ordinal);
            Assert.NotEqual(name, ReloadAnnotations.DataHash(group[..^1] + "x"));
        }
    }
}
