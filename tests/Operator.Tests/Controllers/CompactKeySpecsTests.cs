using k8s;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Controllers;

/// <summary>The cache's compact spec keys against the list they are made from (the reference).</summary>
public sealed class CompactKeySpecsTests
{
    private static List<SecretKeySpec> Specs(int count, bool remoteRefs) =>
        [.. Enumerable.Range(0, count).Select(i => new SecretKeySpec { Key = $"KEY_{i}", RemoteRef = remoteRefs && i % 3 == 1 ? $"/shared/db/{i}" : null })];

    [Theory]
    [InlineData(1, false)]
    [InlineData(10, false)]
    [InlineData(10, true)]
    [InlineData(40, true)]
    public void Reads_the_same_keys_as_the_list_it_was_made_from_and_writes_the_same_JSON(int count, bool remoteRefs)
    {
        var reference = Specs(count, remoteRefs);

        var compact = CompactKeySpecs.From(Specs(count, remoteRefs));

        Assert.IsType<CompactKeySpecs>(compact);
        Assert.Equal(KubernetesJson.Serialize(new SecretGroupSpec { IntegrationFqn = "f", Secrets = reference }), KubernetesJson.Serialize(new SecretGroupSpec { IntegrationFqn = "f", Secrets = compact }));
        Assert.Equal(reference.Select(s => (s.Key, s.RemoteRef)), compact.Select(s => (s.Key, s.RemoteRef)));
        Assert.Equal(reference.Select(s => (s.Key, s.RemoteRef)), Enumerable.Range(0, count).Select(i => (compact[i].Key, compact[i].RemoteRef)));
        Assert.Equal(reference.Count, compact.Count);
    }

    [Fact]
    public void Is_read_only_and_an_empty_list_stays_as_it_is()
    {
        var compact = CompactKeySpecs.From(Specs(2, false));
        List<SecretKeySpec> empty = [];

        Assert.True(compact.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => compact.Add(new SecretKeySpec { Key = "NEW" }));
        Assert.Throws<NotSupportedException>(() => compact.Clear());
        Assert.Throws<ArgumentOutOfRangeException>(() => compact[2]);
        Assert.Same(empty, CompactKeySpecs.From(empty));
        Assert.Same(compact, CompactKeySpecs.From(compact));
    }

    [Fact]
    public void The_cache_transform_keeps_the_group_as_it_was_decoded()
    {
        var group = KubernetesJson.Deserialize<SecretGroup>(KubernetesJson.Serialize(new SecretGroup
        {
            Metadata = new() { Name = "payments", NamespaceProperty = "team-a" },
            Spec = new SecretGroupSpec { IntegrationFqn = "acme:teamstore:prod:secret-store:main", Secrets = Specs(10, true) },
        }));
        var expected = KubernetesJson.Serialize(group);

        var cached = CachedGroups.Compact(group);

        Assert.IsType<CompactKeySpecs>(cached.Spec.Secrets);
        Assert.Equal(expected, KubernetesJson.Serialize(cached));
    }
}
