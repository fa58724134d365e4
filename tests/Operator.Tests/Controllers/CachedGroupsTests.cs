using k8s;
using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Controllers;

public sealed class CachedGroupsTests
{
    /// <summary>A group as a watch decodes it: every string its own instance.</summary>
    private static SecretGroup Decoded(string name) => KubernetesJson.Deserialize<SecretGroup>(KubernetesJson.Serialize(new SecretGroup
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "team-a",
            Uid = "uid-" + name,
            ResourceVersion = "7",
            Generation = 2,
            Labels = new Dictionary<string, string> { ["app"] = "payments" },
            Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"spec\":{}}" },
            ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }],
        },
        Spec = new SecretGroupSpec
        {
            IntegrationFqn = "acme:teamstore:prod:secret-store:main",
            Secrets = [new SecretKeySpec { Key = "API_KEY" }, new SecretKeySpec { Key = "DB_URL", RemoteRef = "/shared/db/url" }],
        },
        Status = new SecretGroupStatus
        {
            Fqn = "acme:" + name,
            SecretName = name,
            KeyCount = 2,
            Secrets =
            [
                new SecretKeyStatus { Key = "API_KEY", Fqn = $"acme:{name}:API_KEY", RemoteRef = $"/tfy-secret/acme/{name}/API_KEY", Version = "3" },
                new SecretKeyStatus { Key = "DB_URL", Fqn = $"acme:{name}:DB_URL", RemoteRef = "/shared/db/url", Version = "3" },
            ],
            SyncedInputs = new SyncInputs { Generation = 2, Integration = "0b7c6a4e-4a57-4c1e-9d0c-2f7e1c9a3b21/4" },
            Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Synced", Message = "2 keys synced", ObservedGeneration = 2 }],
        },
    }));

    [Fact]
    public void Compact_KeepsEveryValue_ButManagedFields()
    {
        var expected = Decoded("payments");
        expected.Metadata.ManagedFields = null;

        var compact = CachedGroups.Compact(Decoded("payments"));

        Assert.Equal(KubernetesJson.Serialize(expected), KubernetesJson.Serialize(compact));
    }

    [Fact]
    public void Compact_Groups_ShareTheStringsTheyRepeat_AndAKeysStatusSharesItsSpec()
    {
        var a = CachedGroups.Compact(Decoded("payments"));
        var b = CachedGroups.Compact(Decoded("billing"));

        Assert.Same(a.Spec.IntegrationFqn, b.Spec.IntegrationFqn);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Metadata.Labels["app"], b.Metadata.Labels["app"]);
        Assert.Same(a.Spec.Secrets![0].Key, b.Status!.Secrets![0].Key);
        Assert.Same(a.Status!.Secrets![1].Version, b.Status.Secrets[1].Version);
        Assert.Same(a.Status.Conditions![0].Reason, b.Status.Conditions![0].Reason);
        Assert.Same(b.Spec.Secrets![1].RemoteRef, b.Status.Secrets[1].RemoteRef);
        Assert.Same(b.Metadata.Name, b.Status.SecretName);
        Assert.Same(a.Status.SyncedInputs!.Integration, b.Status.SyncedInputs!.Integration);
        Assert.NotSame(a.Status.Secrets[0].Fqn, b.Status.Secrets[0].Fqn);
    }

    [Fact]
    public void SameAsLast_ARunOfEqualMessages_SharesOneInstance_AndADifferentOneStartsANewRun()
    {
        var slot = new SameAsLast();
        static string Copy(string s) => new(s.AsSpan());
        const string Second12 = "last sync 2026-12-01T11:43:12.0000000Z", Second13 = "last sync 2026-12-01T11:43:13.0000000Z";

        var first = slot.Share(Copy(Second12));
        var second = slot.Share(Copy(Second12));
        var other = slot.Share(Copy(Second13));
        var third = slot.Share(Copy(Second13));

        Assert.Same(first, second);
        Assert.Equal(Second13, other);
        Assert.NotSame(second, other);
        Assert.Same(other, third);
        Assert.Null(slot.Share(null));
    }

    [Fact]
    public void Compact_KeepsAConditionsMessage()
    {
        var group = Decoded("payments");
        group.Status!.Conditions![0].Message = "last sync 2026-12-01T11:43:12.0000000Z";

        Assert.Equal("last sync 2026-12-01T11:43:12.0000000Z", CachedGroups.Compact(group).Status!.Conditions![0].Message);
    }

    [Fact]
    public void Compact_StatusKeys_ReadWhole_AndStayWholeWhenAKeyIsRenamed()
    {
        var group = CachedGroups.Compact(Decoded("payments"));
        var keys = group.Status!.Secrets!;

        Assert.Equal(["acme:payments:API_KEY", "acme:payments:DB_URL"], keys.Select(k => k.Fqn));
        Assert.Equal(["/tfy-secret/acme/payments/API_KEY", "/shared/db/url"], keys.Select(k => k.RemoteRef));
        Assert.Contains("\"fqn\":\"acme:payments:API_KEY\"", KubernetesJson.Serialize(group.Status), StringComparison.Ordinal);

        keys[0].Key = "TOKEN";
        keys[1].Fqn = "acme:payments:OTHER";

        Assert.Equal("acme:payments:API_KEY", keys[0].Fqn);
        Assert.Equal("/tfy-secret/acme/payments/API_KEY", keys[0].RemoteRef);
        Assert.Equal("acme:payments:OTHER", keys[1].Fqn);
        Assert.Equal("DB_URL", keys[1].Key);
    }

    [Fact]
    public void ShareKeyPrefixes_KeysOfAGroup_HoldOnePrefix()
    {
        var statuses = new[] { "A", "B", "C" }.Select(k => new SecretKeyStatus { Key = k, Fqn = "t:g:" + k, RemoteRef = "/p/t/g/" + k }).ToList();
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var status in statuses)
        {
            status.ShareKeyPrefixes(p => prefixes.TryAdd(p, p) ? p : prefixes[p]);
        }

        Assert.Equal(["t:g:", "/p/t/g/"], prefixes.Keys);
        Assert.Equal(["t:g:A", "t:g:B", "t:g:C"], statuses.Select(s => s.Fqn));
        Assert.Equal(["/p/t/g/A", "/p/t/g/B", "/p/t/g/C"], statuses.Select(s => s.RemoteRef));
    }
}
