using k8s;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Controllers;

/// <summary>The cache's compact status keys against the list they are made from (the reference).</summary>
public sealed class CompactKeyStatusesTests
{
    private static readonly Func<string, string> Same = s => s;

    /// <summary>Status keys as GroupData writes them: default locations, versions, pinned and absent in every state.</summary>
    private static List<SecretKeyStatus> Written(string group, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SecretKeyStatus
        {
            Key = $"KEY_{i}",
            Fqn = $"acme:{group}:KEY_{i}",
            RemoteRef = $"/tfy-secret/acme/{group}/KEY_{i}",
            Version = i % 4 == 3 ? null : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Pinned = (i % 3) switch { 0 => null, 1 => true, _ => false },
            Absent = (i % 5) switch { 0 => null, 1 => true, 2 => false, _ => null },
        })];

    private static string Json(IList<SecretKeyStatus>? keys) => KubernetesJson.Serialize(new SecretGroupStatus { Fqn = "acme:g", Secrets = keys, KeyCount = keys?.Count });

    /// <summary>The group's own strings a prefix is kept around: present, absent, or found more than once ("payments" in the FQN too).</summary>
    public static TheoryData<int, string[], string> Cases => new()
    {
        { 1, ["acme:payments", "payments"], "spec" },
        { 10, ["acme:payments", "payments"], "spec" },
        { 10, ["acme:payments", "payments"], "other order" },
        { 37, ["acme:payments", "payments"], "none" },
        { 10, ["unrelated", ""], "spec" },
        { 10, [], "none" },
        { 10, ["a", "/"], "spec" },
        { 10, ["payments"], "spec" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_the_same_keys_as_the_list_it_was_made_from_and_writes_the_same_JSON(int count, string[] own, string specKeys)
    {
        var reference = Written("payments", count);
        var keys = reference.Select(k => k.Key).ToArray();
        var spec = specKeys switch { "spec" => keys, "other order" => [.. keys.Reverse()], _ => null };

        var compact = CompactKeyStatuses.From(Written("payments", count), Same, own, spec);

        Assert.IsType<CompactKeyStatuses>(compact);
        Assert.Equal(Json(reference), Json(compact));
        Assert.Equal(reference.Count, compact.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(KubernetesJson.Serialize(reference[i]), KubernetesJson.Serialize(compact[i]));
            Assert.Equal((reference[i].Key, reference[i].Fqn, reference[i].RemoteRef, reference[i].Version, reference[i].Pinned, reference[i].Absent, reference[i].From), (compact[i].Key, compact[i].Fqn, compact[i].RemoteRef, compact[i].Version, compact[i].Pinned, compact[i].Absent, compact[i].From));
        }

        Assert.Equal(reference.Select(k => k.Fqn), compact.Select(k => k.Fqn));
        var copied = new SecretKeyStatus[count + 1];
        compact.CopyTo(copied, 1);
        Assert.Equal(reference.Select(k => k.RemoteRef), copied.Skip(1).Select(k => k.RemoteRef));
    }

    [Fact]
    public void A_copy_of_a_cached_status_is_a_plain_list_again_with_the_same_keys()
    {
        var group = new SecretGroup { Status = new SecretGroupStatus { Secrets = CompactKeyStatuses.From(Written("payments", 10), Same, ["acme:payments"]) } };

        var copy = group.CopyOfStatus()!;
        copy.Secrets!.Add(new SecretKeyStatus { Key = "NEW" });

        Assert.IsType<List<SecretKeyStatus>>(copy.Secrets);
        Assert.Equal(Json(Written("payments", 10)), Json([.. copy.Secrets.Take(10)]));
    }

    [Fact]
    public void Keys_that_do_not_share_one_prefix_or_came_from_dataFrom_stay_a_list()
    {
        var custom = Written("payments", 3);
        custom[1].RemoteRef = "/shared/db/url";
        var fromDataFrom = Written("payments", 3);
        fromDataFrom[2].From = "spec.dataFrom[0].extract";
        var otherGroup = Written("payments", 3);
        otherGroup[2].Fqn = "acme:billing:KEY_2";

        Assert.Same(custom, CompactKeyStatuses.From(custom, Same, []));
        Assert.Same(fromDataFrom, CompactKeyStatuses.From(fromDataFrom, Same, []));
        Assert.Same(otherGroup, CompactKeyStatuses.From(otherGroup, Same, []));
    }

    [Fact]
    public void Is_read_only()
    {
        var compact = CompactKeyStatuses.From(Written("payments", 3), string.Intern, ["payments"]);

        Assert.True(compact.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => compact.Add(new SecretKeyStatus()));
        Assert.Throws<NotSupportedException>(() => compact[0] = new SecretKeyStatus());
        Assert.Throws<NotSupportedException>(() => compact.RemoveAt(0));
        Assert.Equal(-1, compact.IndexOf(compact[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => compact[3]);
    }

    [Fact]
    public void The_cache_transform_makes_a_groups_default_keys_compact()
    {
        var group = KubernetesJson.Deserialize<SecretGroup>(KubernetesJson.Serialize(new SecretGroup
        {
            Metadata = new() { Name = "payments", NamespaceProperty = "team-a" },
            Spec = new SecretGroupSpec { IntegrationFqn = "acme:teamstore:prod:secret-store:main", Secrets = [.. Enumerable.Range(0, 10).Select(i => new SecretKeySpec { Key = $"KEY_{i}" })] },
            Status = new SecretGroupStatus { Secrets = Written("payments", 10) },
        }));
        var expected = KubernetesJson.Serialize(group);

        var cached = CachedGroups.Compact(group);

        Assert.IsType<CompactKeyStatuses>(cached.Status!.Secrets);
        Assert.Equal(expected, KubernetesJson.Serialize(cached));
        Assert.Same(cached.Spec.Secrets![4].Key, cached.Status.Secrets[4].Key);
    }
}
