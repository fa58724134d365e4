using System.Security.Cryptography;
using System.Text;
using Operator.Controllers;

namespace Operator.Tests.Controllers;

public sealed class SecretDataTests
{
    private const string Salt = "0123456789abcdef";

    private static Dictionary<string, byte[]> Data(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value));

    [Fact]
    public void SameContentInAnyOrder_HashesEqual() =>
        Assert.Equal(SecretData.Hash(Data(("a", "1"), ("b", "2")), Salt), SecretData.Hash(Data(("b", "2"), ("a", "1")), Salt));

    [Fact]
    public void ShiftedBoundaryBetweenKeyAndValue_HashesDiffer() =>
        Assert.NotEqual(SecretData.Hash(Data(("ab", "c")), Salt), SecretData.Hash(Data(("a", "bc")), Salt));

    [Fact]
    public void ChangedValue_HashesDiffer() =>
        Assert.NotEqual(SecretData.Hash(Data(("a", "1")), Salt), SecretData.Hash(Data(("a", "2")), Salt));

    [Fact]
    public void HashHoldsNoValue()
    {
        var hash = SecretData.Hash(Data(("a", "CANARY")), Salt);
        Assert.StartsWith("hmac-sha256:", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheSalt_AWeakValueCannotBeConfirmedFromTheHash()
    {
        // A reader of status sees the hash but not the salt (kept on the managed Secret only).
        var shown = SecretData.Hash(Data(("PASSWORD", "hunter2")), SecretData.NewSalt());
        var unkeyedGuess = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hunter2")));
        var otherSaltGuess = SecretData.Hash(Data(("PASSWORD", "hunter2")), SecretData.NewSalt());

        Assert.NotEqual(unkeyedGuess, shown);
        Assert.NotEqual(otherSaltGuess, shown);
        Assert.NotEqual(SecretData.NewSalt(), SecretData.NewSalt());
    }
}
