using System.Text;
using Operator.Controllers;

namespace Operator.Tests.Controllers;

public sealed class SecretDataTests
{
    private static Dictionary<string, byte[]> Data(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value));

    [Fact]
    public void SameContentInAnyOrder_HashesEqual() =>
        Assert.Equal(SecretData.Hash(Data(("a", "1"), ("b", "2"))), SecretData.Hash(Data(("b", "2"), ("a", "1"))));

    [Fact]
    public void ShiftedBoundaryBetweenKeyAndValue_HashesDiffer() =>
        Assert.NotEqual(SecretData.Hash(Data(("ab", "c"))), SecretData.Hash(Data(("a", "bc"))));

    [Fact]
    public void ChangedValue_HashesDiffer() =>
        Assert.NotEqual(SecretData.Hash(Data(("a", "1"))), SecretData.Hash(Data(("a", "2"))));

    [Fact]
    public void HashHoldsNoValue()
    {
        var hash = SecretData.Hash(Data(("a", "CANARY")));
        Assert.StartsWith("sha256:", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", hash, StringComparison.Ordinal);
    }
}
