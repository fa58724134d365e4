using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Tests.Webhooks;

/// <summary>An informer cache holding the groups a test puts in it.</summary>
internal sealed class FakeGroupCache : IResourceCache<SecretGroup>
{
    private readonly List<SecretGroup> groups = [];

    public bool HasSynced => true;

    public FakeGroupCache With(string ns, string name, IEnumerable<string> keys, string? statusSecretName = null, string? targetName = null)
    {
        groups.Add(new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = "acme:kubernetes:local:secret-store:k8s",
                Secrets = keys.Select(k => new SecretKeySpec { Key = k }).ToList(),
                Target = targetName is null ? null : new SecretTargetSpec { Name = targetName },
            },
            Status = statusSecretName is null ? null : new SecretGroupStatus { SecretName = statusSecretName },
        });
        return this;
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
}
