using Operator.Controllers;
using Operator.References;

namespace Operator.Kubectl;

/// <summary>
/// <c>kubectl secretgroup refs &lt;reference&gt;</c>: parses a reference with the operator's own parser (the same errors
/// the operator would give) and says what it points to in the cluster.
/// </summary>
public static class RefsCommand
{
    /// <summary>The field name parse errors carry.</summary>
    public const string Field = "reference";

    public static async Task<int> RunAsync(PluginArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var text = args.OnlyOperand("reference");
        if (!ReferenceParser.TryParseReference(text, Field, ReferenceForms.All, out var reference, out var error))
        {
            await output.WriteLineAsync($"not a reference: {error}").ConfigureAwait(false);
            return 1;
        }

        foreach (var line in Describe(reference))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        if (reference is K8sSecretReference)
        {
            return 0;
        }

        IReadOnlyList<string> lines;
        try
        {
            using var cluster = Cluster.Connect(args);
            lines = reference switch
            {
                GroupKeyReference key => await GroupKeyAsync(cluster, key.Secret, cancellationToken).ConfigureAwait(false),
                StorePathReference path => await StorePathAsync(cluster, path, cancellationToken).ConfigureAwait(false),
                _ => [],
            };
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or HttpRequestException)
        {
            // The parse is the answer offline; the cluster only adds what the reference points to.
            lines = [$"(not looked up in a cluster: {e.Message})"];
        }

        foreach (var line in lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>What the parsed text says, before asking the cluster.</summary>
    public static IEnumerable<string> Describe(SecretReference reference) => reference switch
    {
        GroupKeyReference k =>
        [
            $"{k}: key {k.Secret.Key} of SecretGroup {k.Secret.Group} in tenant {k.Secret.Tenant} (group FQN {k.Secret.GroupFqn}).",
        ],
        StorePathReference p =>
        [
            $"{p}: path {p.Path} in the store of integration {p.Integration}",
            $"  (tenant {p.Integration.Tenant}, provider {p.Integration.Provider}, account {p.Integration.ProviderAccount}, integration {p.Integration.Name}).",
        ],
        K8sSecretReference s =>
        [
            $"{s}: key {s.Key} of the Kubernetes Secret mounted into the operator's pod (allowed only in SecretStoreIntegration fields).",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    private static async Task<IReadOnlyList<string>> GroupKeyAsync(Cluster cluster, SecretFqn secret, CancellationToken cancellationToken)
    {
        var groupFqn = secret.GroupFqn.ToString();
        var groups = await cluster.Groups.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var group = groups.FirstOrDefault(g => g.Status?.Fqn == groupFqn);
        if (group is null)
        {
            return [$"No SecretGroup in this cluster has the FQN {groupFqn} (the operator publishes it in status.fqn once it has looked at a group)."];
        }

        var where = $"{group.Metadata.NamespaceProperty}/{group.Metadata.Name}";
        var key = group.Status?.Secrets?.FirstOrDefault(k => k.Key == secret.Key);
        if (key is null)
        {
            var keys = group.Status?.Secrets?.Select(k => k.Key).ToList() ?? [];
            return [$"SecretGroup {where} has no key {secret.Key} (its keys: {(keys.Count == 0 ? "none" : string.Join(", ", keys))})."];
        }

        var ready = Words.Condition(group.Status?.Conditions, ConditionTypes.Ready);
        return
        [
            $"SecretGroup {where} publishes it: read from {key.RemoteRef}, written to Secret {group.Metadata.NamespaceProperty}/{group.Status?.SecretName} key {key.Key}.",
            $"The group is {(ready is null ? "not looked at yet" : Words.Sentence(ready, DateTime.UtcNow))}.",
        ];
    }

    private static async Task<IReadOnlyList<string>> StorePathAsync(Cluster cluster, StorePathReference path, CancellationToken cancellationToken)
    {
        var fqn = path.Integration.ToString();
        var integrations = await cluster.Integrations.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var integration = integrations.FirstOrDefault(i => i.Status?.Fqn == fqn);
        var lines = new List<string>();
        if (integration is null)
        {
            lines.Add($"No SecretStoreIntegration in this cluster has the FQN {fqn}.");
        }
        else
        {
            var ready = Words.Condition(integration.Status?.Conditions, ConditionTypes.Ready);
            lines.Add($"SecretStoreIntegration {integration.Metadata.Name} is {(ready is null ? "not looked at yet" : Words.Sentence(ready, DateTime.UtcNow))}.");
        }

        var text = path.ToString();
        var users = (await cluster.Groups.ListAsync(null, null, cancellationToken).ConfigureAwait(false))
            .SelectMany(g => (g.Status?.Secrets ?? []).Where(k => k.RemoteRef == text).Select(k => $"{g.Metadata.NamespaceProperty}/{g.Metadata.Name} key {k.Key}"))
            .ToList();
        lines.Add(users.Count == 0 ? "No SecretGroup reads it." : $"Read by: {string.Join("; ", users)}.");
        return lines;
    }
}
