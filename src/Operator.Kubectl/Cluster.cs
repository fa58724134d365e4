using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Kubectl;

/// <summary>The API server the kubeconfig points at (as kubectl chose it: KUBECONFIG, --kubeconfig, --context).</summary>
public sealed class Cluster : IDisposable
{
    private readonly Kubernetes client;

    private Cluster(Kubernetes client, string defaultNamespace)
    {
        this.client = client;
        DefaultNamespace = defaultNamespace;
        Groups = new ResourceClient<SecretGroup>(client);
        Integrations = new ResourceClient<SecretStoreIntegration>(client);
    }

    /// <summary>The context's namespace, else <c>default</c> (as kubectl).</summary>
    public string DefaultNamespace { get; }

    public ResourceClient<SecretGroup> Groups { get; }

    public ResourceClient<SecretStoreIntegration> Integrations { get; }

    public static Cluster Connect(PluginArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var config = args.Kubeconfig is not null || args.Context is not null
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(args.Kubeconfig, args.Context)
            : KubernetesClientConfiguration.BuildDefaultConfig();
        return new Cluster(new Kubernetes(config), string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace);
    }

    /// <summary>The namespace a command about one group uses.</summary>
    public string NamespaceFor(PluginArgs args) => args?.Namespace ?? DefaultNamespace;

    /// <summary>The group, or a clear "not found" naming it.</summary>
    public async Task<SecretGroup> GroupAsync(string ns, string name, CancellationToken cancellationToken) =>
        await Groups.GetAsync(new ObjectKey(ns, name), cancellationToken).ConfigureAwait(false)
            ?? throw new GroupNotFoundException($"secretgroup {ns}/{name} not found");

    /// <summary>The Events about <paramref name="group"/>, oldest first (events.k8s.io/v1, as the operator writes them).</summary>
    public async Task<IReadOnlyList<Eventsv1Event>> EventsAboutAsync(SecretGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var list = await client.EventsV1.ListNamespacedEventAsync(group.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        return list.Items
            .Where(e => e.Regarding?.Name == group.Metadata.Name && e.Regarding.Kind == SecretGroup.KindName
                && (e.Regarding.Uid is null || e.Regarding.Uid == group.Metadata.Uid))
            .OrderBy(LastSeen)
            .ToList();
    }

    /// <summary>When an Event (or the last of its series) happened.</summary>
    public static DateTime LastSeen(Eventsv1Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var t = e.Series?.LastObservedTime ?? e.EventTime ?? e.DeprecatedLastTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue;
        return DateTime.SpecifyKind(t, DateTimeKind.Utc);
    }

    /// <summary>The message of a Kubernetes Status body, else the raw body.</summary>
    public static string StatusMessage(HttpOperationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        try
        {
            using var doc = JsonDocument.Parse(e.Response.Content ?? "");
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? "" : e.Response.Content ?? "";
        }
        catch (JsonException)
        {
            return e.Response.Content ?? "";
        }
    }

    public void Dispose() => client.Dispose();
}

/// <summary>The named group does not exist; printed with exit code 1.</summary>
public sealed class GroupNotFoundException(string message) : Exception(message);
