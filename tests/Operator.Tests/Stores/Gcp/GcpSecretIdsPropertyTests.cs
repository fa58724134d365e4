using CsCheck;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Gcp;
using Operator.Tests.References;

namespace Operator.Tests.Stores;

/// <summary>The (tenant, group, key) to secret id mapping is injective and yields valid ids when short enough.</summary>
public sealed class GcpSecretIdsPropertyTests
{
    private const string IdChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    // A tiny alphabet makes near-collisions (a_b vs a.b vs a__b) common.
    private static readonly Gen<string> TinyName = Gen.OneOf("a", "b", "a-b", "ab", "a-a");
    private static readonly Gen<string> TinyKey = Gen.Char["a_.-"].Array[1, 6].Select(c => new string(c)).Where(k => k is not "." and not "..");

    [Fact]
    public void DefaultId_RoundTrips_SoTheMappingIsInjective() =>
        Gen.Select(ReferenceGenerators.Group, ReferenceGenerators.Key).Sample((group, key) =>
        {
            var id = GcpSecretIds.DefaultId(group, key);
            return GcpSecretIds.TryParseDefault(id, out var g, out var k) && g == group && k == key
                && id.All(c => IdChars.Contains(c, StringComparison.Ordinal));
        });

    [Fact]
    public void DistinctGroupKeys_NeverShareAnId() =>
        Gen.Select(TinyName, TinyName, TinyKey, TinyName, TinyName, TinyKey).Sample((t1, g1, k1, t2, g2, k2) =>
            (t1, g1, k1) == (t2, g2, k2) || GcpSecretIds.DefaultId(new GroupFqn(t1, g1), k1) != GcpSecretIds.DefaultId(new GroupFqn(t2, g2), k2));

    [Fact]
    public void DefaultIds_WithinTheLimit_AreAcceptedAsPaths_AndLongerOnesAreInvalidPaths() =>
        Gen.Select(ReferenceGenerators.Group, ReferenceGenerators.Key).Sample((group, key) =>
        {
            var id = GcpSecretIds.DefaultId(group, key);
            try
            {
                return GcpSecretIds.Resolve(id, "p-roject") == ("p-roject", id) && id.Length <= GcpSecretIds.MaxLength;
            }
            catch (SecretStoreException e)
            {
                return e.Kind == StoreErrorKind.InvalidPath && id.Length > GcpSecretIds.MaxLength && e.Message.Contains("key '", StringComparison.Ordinal);
            }
        });

    [Theory]
    [InlineData("OPENAI_API_KEY", "acme_openai-keys_OPENAI__API__KEY")]
    [InlineData("tls.crt", "acme_openai-keys_tls_-crt")]
    [InlineData("a-b", "acme_openai-keys_a-b")]
    public void DefaultId_Examples(string key, string id) => Assert.Equal(id, GcpSecretIds.DefaultId(new GroupFqn("acme", "openai-keys"), key));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("projects/test-project/secrets")]
    [InlineData("projects/BAD/secrets/x")]
    [InlineData("dotted.id")]
    public void InvalidPaths_AreRefused(string path)
    {
        var e = Assert.Throws<SecretStoreException>(() => GcpSecretIds.Resolve(path, "test-project"));
        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
    }
}
