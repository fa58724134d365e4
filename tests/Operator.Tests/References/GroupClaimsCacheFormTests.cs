using k8s;
using k8s.Models;
using Operator.References;

namespace Operator.Tests.References;

public sealed class GroupClaimsCacheFormTests
{
    private static V1ConfigMap Claim(string group) => KubernetesJson.Deserialize<V1ConfigMap>(KubernetesJson.Serialize(new V1ConfigMap
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = GroupClaims.NameOf("acme", group),
            NamespaceProperty = "secretgroup-system",
            ResourceVersion = "9",
            Uid = "u-" + group,
            Labels = new Dictionary<string, string> { [GroupClaims.ClaimLabel] = GroupClaims.ClaimValue },
            Annotations = new Dictionary<string, string> { ["note"] = "moved by an admin" },
            ManagedFields = [new V1ManagedFieldsEntry { Manager = "operator" }],
        },
        Data = new Dictionary<string, string>
        {
            [GroupClaims.TenantKey] = "acme",
            [GroupClaims.GroupKey] = group,
            [GroupClaims.NamespaceKey] = "team-a",
        },
    }));

    [Fact]
    public void CacheForm_KeepsWhatAClaimSays_AndClaimsShareTheirRepeatedStrings()
    {
        var a = GroupClaims.CacheForm(Claim("payments"));
        var b = GroupClaims.CacheForm(Claim("billing"));

        Assert.Equal(("fqn.acme.payments", "secretgroup-system", "9"), (a.Metadata.Name, a.Metadata.NamespaceProperty, a.Metadata.ResourceVersion));
        Assert.Equal(GroupClaims.ClaimValue, a.Metadata.Labels[GroupClaims.ClaimLabel]);
        Assert.Equal(("acme", "payments", "team-a"), (a.Data[GroupClaims.TenantKey], a.Data[GroupClaims.GroupKey], a.Data[GroupClaims.NamespaceKey]));
        Assert.Null(a.Metadata.ManagedFields);
        Assert.Null(a.Metadata.Annotations);
        Assert.Same(a.Data[GroupClaims.NamespaceKey], b.Data[GroupClaims.NamespaceKey]);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
    }
}
