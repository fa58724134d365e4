using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

/// <summary>One stored Event served at core/v1 and events.k8s.io/v1 with the real field mapping, watched at both.</summary>
public sealed class EventMirrorTests
{
    [Fact]
    public async Task EventsV1Write_IsReadAsCoreV1_WithTheRealFieldMapping()
    {
        await using var kube = await TestKube.StartAsync();

        await kube.Client.EventsV1.CreateNamespacedEventAsync(EventsV1("synced", "Synced", "wrote 2 keys"), kube.Namespace, cancellationToken: TestKube.Ct);

        var core = await kube.Client.CoreV1.ReadNamespacedEventAsync("synced", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("wrote 2 keys", core.Message);
        Assert.Equal(("SecretGroup", "openai-keys", "uid-1"), (core.InvolvedObject.Kind, core.InvolvedObject.Name, core.InvolvedObject.Uid));
        Assert.Equal("secretgroup-operator", core.ReportingComponent);
        Assert.Equal("operator-0", core.ReportingInstance);
        Assert.Equal(("Normal", "Synced", "Sync"), (core.Type, core.Reason, core.Action));
        Assert.Equal(3, core.Series.Count);
    }

    [Fact]
    public async Task CoreV1Write_IsReadAsEventsV1_AndAPatchThroughEitherApiChangesTheOneEvent()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "legacy" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web-0", NamespaceProperty = kube.Namespace },
            Reason = "Pulled",
            Message = "image pulled",
            Type = "Normal",
            Count = 4,
            Source = new V1EventSource { Component = "kubelet" },
        }, kube.Namespace, cancellationToken: TestKube.Ct);

        var mirrored = await kube.Client.EventsV1.ReadNamespacedEventAsync("legacy", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("image pulled", mirrored.Note);
        Assert.Equal("web-0", mirrored.Regarding.Name);
        Assert.Equal(4, mirrored.DeprecatedCount);
        Assert.Equal("kubelet", mirrored.DeprecatedSource.Component);

        await kube.Client.CoreV1.PatchNamespacedEventAsync(new V1Patch("""{"message":"image pulled again"}""", V1Patch.PatchType.MergePatch), "legacy", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("image pulled again", (await kube.Client.EventsV1.ReadNamespacedEventAsync("legacy", kube.Namespace, cancellationToken: TestKube.Ct)).Note);
    }

    [Fact]
    public async Task CoreV1Watch_AndFieldSelector_SeeEventsWrittenThroughEventsV1()
    {
        await using var kube = await TestKube.StartAsync();
        var list = await kube.Client.CoreV1.ListNamespacedEventAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30)); // a bound for a lost event, not a timing assertion
        var watch = kube.Client.CoreV1.WatchListNamespacedEventAsync(kube.Namespace, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var next = watch.MoveNextAsync();

        await kube.Client.EventsV1.CreateNamespacedEventAsync(EventsV1("watched", "Synced", "through events.k8s.io"), kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.True(await next);
        Assert.Equal((WatchEventType.Added, "through events.k8s.io"), (watch.Current.Item1, watch.Current.Item2.Message));
        await watch.DisposeAsync();
        var byObject = await kube.Client.CoreV1.ListNamespacedEventAsync(kube.Namespace, fieldSelector: "involvedObject.name=openai-keys", cancellationToken: TestKube.Ct);
        Assert.Equal(["watched"], byObject.Items.Select(e => e.Metadata.Name));
        var byRegarding = await kube.Client.EventsV1.ListNamespacedEventAsync(kube.Namespace, fieldSelector: "regarding.name=openai-keys", cancellationToken: TestKube.Ct);
        Assert.Equal(["watched"], byRegarding.Items.Select(e => e.Metadata.Name));
    }

    [Fact]
    public async Task KubectlGetEvents_AndDescribe_ShowEventsWrittenThroughEventsV1()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        var widget = await Widgets.CreateAsync(kube, Widgets.Widget("primary"));
        var regarding = new V1ObjectReference { ApiVersion = "test.example.com/v1", Kind = "Widget", Name = "primary", NamespaceProperty = kube.Namespace, Uid = (string?)widget["metadata"]!["uid"] };
        var ev = EventsV1("primary.1", "StoreUnavailable", "store timed out; kept the last good Secret");
        ev.Type = "Warning";
        ev.Regarding = regarding;
        await kube.Client.EventsV1.CreateNamespacedEventAsync(ev, kube.Namespace, cancellationToken: TestKube.Ct);
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);

        var events = await kubectl.RunAsync("get", "events", "-A");
        // kube-apiserver's event printer: Last Seen first, the object as kind/name (lower-case kind), no Name column.
        Assert.Matches(@"^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n", events);
        Assert.Matches(@"\d+s\s+Warning\s+StoreUnavailable\s+widget/primary\s+store timed out; kept the last good Secret", events);
        var wide = await kubectl.RunAsync("get", "events", "-n", kube.Namespace, "-o", "wide");
        Assert.Matches(@"^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME\n", wide);
        Assert.Matches(@"Warning\s+StoreUnavailable\s+widget/primary\s+secretgroup-operator, operator-0\s+store timed out; kept the last good Secret\s+\S+\s+3\s+primary\.1", wide);
        var described = await kubectl.RunAsync("describe", "widget", "primary", "-n", kube.Namespace);
        Assert.Matches(@"Events:\s+Type\s+Reason\s+Age\s+From\s+Message", described);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(described, @"Warning\s+StoreUnavailable\s+\S+ \(x3 over \S+\)\s+secretgroup-operator\s+store timed out; kept the last good Secret"), described);
    }

    private static Eventsv1Event EventsV1(string name, string reason, string note) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        EventTime = DateTime.UtcNow,
        ReportingController = "secretgroup-operator",
        ReportingInstance = "operator-0",
        Action = "Sync",
        Reason = reason,
        Note = note,
        Type = "Normal",
        Regarding = new V1ObjectReference { Kind = "SecretGroup", Name = "openai-keys", Uid = "uid-1", ApiVersion = "secrets.tfy.dev/v1alpha1" },
        Series = new Eventsv1EventSeries { Count = 3, LastObservedTime = DateTime.UtcNow },
    };
}
