using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;
using Operator.Webhooks;

namespace Operator.Tests.Webhooks;

/// <summary>
/// An informer cache holding the groups a test puts in it, and the managed Secrets they own (a group given a status
/// Secret name owns a Secret of that name, as after a sync).
/// </summary>
internal sealed class FakeGroupCache : IResourceCache<SecretGroup>
{
    private readonly List<SecretGroup> groups = [];
    private readonly List<V1Secret> secrets = [];

    public bool HasSynced => true;

    public FakeGroupCache With(string ns, string name, IEnumerable<string> keys, string? statusSecretName = null, string? targetName = null)
    {
        var group = new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = Guid.NewGuid().ToString(), CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, groups.Count, DateTimeKind.Utc) },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = "acme:kubernetes:local:secret-store:k8s",
                Secrets = keys.Select(k => new SecretKeySpec { Key = k }).ToList(),
                Target = targetName is null ? null : new SecretTargetSpec { Name = targetName },
            },
            Status = statusSecretName is null ? null : new SecretGroupStatus { SecretName = statusSecretName },
        };
        groups.Add(group);
        if (statusSecretName is not null)
        {
            secrets.Add(new V1Secret { Metadata = new V1ObjectMeta { Name = statusSecretName, NamespaceProperty = ns, OwnerReferences = [GroupOwnership.ReferenceTo(group)] } });
        }

        return this;
    }

    /// <summary>Points a group's status at a Secret it does not own (as a user who may write status could).</summary>
    public FakeGroupCache WithForgedStatus(string ns, string name, string secretName)
    {
        groups.Single(g => g.Metadata.NamespaceProperty == ns && g.Metadata.Name == name).Status = new SecretGroupStatus { SecretName = secretName };
        secrets.Add(new V1Secret { Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = ns, Labels = new Dictionary<string, string> { [ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue } } });
        return this;
    }

    /// <summary>The webhook's mutator over these groups and Secrets (no FQN claims: the oldest group of a name owns it).</summary>
    public PodMutator Mutator(IOptions<TenancyOptions> options)
    {
        var claims = new GroupClaims(new ListCache<V1ConfigMap>([]), new ResourceClient<V1ConfigMap>(Unused), options);
        return new PodMutator(this, new GroupDirectory(this, claims), new ListCache<V1Secret>(secrets), options);
    }

    public SecretGroup? Get(ObjectKey key) => groups.FirstOrDefault(g => g.Metadata.NamespaceProperty == key.Namespace && g.Metadata.Name == key.Name);

    public IReadOnlyList<SecretGroup> ByIndex(string index, string value) => groups.Where(g => (index switch
    {
        GroupIndexes.Name => GroupIndexes.NameOf(g),
        GroupIndexes.Aliases => GroupIndexes.AliasTargetsOf(g),
        GroupIndexes.Integration => GroupIndexes.IntegrationOf(g),
        _ => throw new ArgumentException($"no index '{index}'", nameof(index)),
    }).Contains(value)).ToList();

    public IReadOnlyList<SecretGroup> List(string? @namespace = null) => groups.Where(g => @namespace is null || g.Metadata.NamespaceProperty == @namespace).ToList();

    /// <summary>A client no code path here calls (claims are only read from the cache).</summary>
    private static readonly IKubernetes Unused = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" });

    /// <summary>A cache over a fixed list.</summary>
    private sealed class ListCache<T>(List<T> items) : IResourceCache<T>
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public bool HasSynced => true;

        public T? Get(ObjectKey key) => items.FirstOrDefault(i => i.Metadata.NamespaceProperty == key.Namespace && i.Metadata.Name == key.Name);

        public IReadOnlyList<T> List(string? @namespace = null) => items.Where(i => @namespace is null || i.Metadata.NamespaceProperty == @namespace).ToList();

        public IReadOnlyList<T> ByIndex(string index, string value) => [];
    }
}
