using System.Text;
using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Controllers;

public sealed class CachedSecretsTests
{
    private const string Canary = "canary-7f3a9c-value";

    private static V1Secret Managed(string value, string? annotatedHash = null)
    {
        var data = new Dictionary<string, byte[]> { ["API_KEY"] = Encoding.UTF8.GetBytes(value) };
        var salt = SecretData.NewSalt();
        return new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "openai",
                NamespaceProperty = "team-a",
                ResourceVersion = "42",
                Uid = "u1",
                Labels = new Dictionary<string, string> { [ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue, [ManagedLabels.Group] = "openai" },
                Annotations = new Dictionary<string, string>
                {
                    [ManagedLabels.HashSalt] = salt,
                    [ManagedLabels.DataHash] = annotatedHash ?? SecretData.Hash(data, salt),
                },
                OwnerReferences = [new V1OwnerReference { Kind = SecretGroup.KindName, Uid = "g1", Name = "openai", ApiVersion = "v1" }],
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "operator" }],
            },
            Data = data,
        };
    }

    [Fact]
    public void Slim_KeepsMetadataAndTheVerifiedHash_ButNoValue()
    {
        var full = Managed(Canary);

        var slim = CachedSecrets.Slim(full);

        Assert.Null(slim.Data);
        Assert.Null(slim.Metadata.ManagedFields);
        Assert.Equal(("openai", "team-a", "42"), (slim.Metadata.Name, slim.Metadata.NamespaceProperty, slim.Metadata.ResourceVersion));
        Assert.Equal("g1", Assert.Single(slim.Metadata.OwnerReferences).Uid);
        Assert.Equal(ManagedSecretWriter.VerifiedHashOf(full), CachedSecrets.VerifiedHashOf(slim));
        Assert.NotNull(CachedSecrets.VerifiedHashOf(slim));
        Assert.Same(slim.Metadata.Annotations[ManagedLabels.DataHash], CachedSecrets.VerifiedHashOf(slim));
        Assert.Same(slim.Metadata.Labels[ManagedLabels.Group], slim.Metadata.Name);
        Assert.Same(slim.Metadata.Name, slim.Metadata.OwnerReferences[0].Name);
        Assert.DoesNotContain(Canary, k8s.KubernetesJson.Serialize(slim), StringComparison.Ordinal);
        Assert.Equal(Canary, Encoding.UTF8.GetString(full.Data["API_KEY"]));
    }

    [Fact]
    public void Slim_PoolsAnnotationKeys_ButNotTheirValues_WhichAreTheSecretsOwn()
    {
        var pool = Operator.Runtime.StringPool.Shared;
        var uid = "uid-" + Guid.NewGuid().ToString("N")[..20];
        var secret = Managed(Canary);
        secret.Metadata.Annotations[ManagedLabels.GroupUid] = uid;

        var slim = CachedSecrets.Slim(secret);

        Assert.Equal(uid, slim.Metadata.Annotations[ManagedLabels.GroupUid]);
        Assert.NotSame(uid, pool.Share(new string(uid.AsSpan())));
        Assert.Same(pool.Share(new string(ManagedLabels.GroupUid.AsSpan())), slim.Metadata.Annotations.Keys.First(k => k == ManagedLabels.GroupUid));
    }

    [Fact]
    public void Slim_OfAnEditedSecret_HasNoVerifiedHash()
    {
        var edited = Managed(Canary, annotatedHash: "not-the-hash");

        Assert.Null(CachedSecrets.VerifiedHashOf(CachedSecrets.Slim(edited)));
    }

    [Fact]
    public void Slim_IgnoresAForgedCacheAnnotationOnTheServerObject()
    {
        var edited = Managed(Canary, annotatedHash: "not-the-hash");
        edited.Metadata.Annotations[CachedSecrets.VerifiedHash] = "forged";

        Assert.Null(CachedSecrets.VerifiedHashOf(CachedSecrets.Slim(edited)));
        Assert.Equal("forged", edited.Metadata.Annotations[CachedSecrets.VerifiedHash]);
    }

    [Fact]
    public void Slim_OwnerReferences_ShareTheStringsTheSecretRepeats()
    {
        static V1Secret Decoded(string name)
        {
            var secret = Managed(Canary);
            secret.Metadata.Name = name;
            secret.Metadata.Annotations[ManagedLabels.GroupUid] = "g1";
            secret.Metadata.OwnerReferences[0].Name = name;
            return k8s.KubernetesJson.Deserialize<V1Secret>(k8s.KubernetesJson.Serialize(secret));
        }

        var a = CachedSecrets.Slim(Decoded("openai"));
        var b = CachedSecrets.Slim(Decoded("billing"));

        var (ownerA, ownerB) = (Assert.Single(a.Metadata.OwnerReferences), Assert.Single(b.Metadata.OwnerReferences));
        Assert.Equal((SecretGroup.KindName, "v1", "billing", "g1"), (ownerB.Kind, ownerB.ApiVersion, ownerB.Name, ownerB.Uid));
        Assert.Same(ownerA.Kind, ownerB.Kind);
        Assert.Same(ownerA.ApiVersion, ownerB.ApiVersion);
        Assert.Same(b.Metadata.Name, ownerB.Name);
        Assert.Same(b.Metadata.Annotations[ManagedLabels.GroupUid], ownerB.Uid);
    }
}
