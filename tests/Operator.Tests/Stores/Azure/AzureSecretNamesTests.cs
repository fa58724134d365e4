using CsCheck;
using Operator.Stores.Azure;

namespace Operator.Tests.Stores;

public sealed class AzureSecretNamesTests
{
    // Small alphabets make near-misses ("a-b" against "a--b", "A" against "a") come up all the time.
    private static readonly Gen<string> Name = Gen.Char["ab0-."].Array[1, 8].Select(c => new string(c));
    private static readonly Gen<string> Key = Gen.Char["aAbB0-._"].Array[1, 8].Select(c => new string(c));
    private static readonly Gen<(string Tenant, string Group, string Key)> Input = Gen.Select(Name, Name, Key, (t, g, k) => (t, g, k));

    [Fact]
    public void DistinctInputs_NeverShareAName_EvenIgnoringCase() =>
        Gen.Select(Input, Input).Sample((a, b) =>
            a == b || !string.Equals(Encode(a), Encode(b), StringComparison.OrdinalIgnoreCase), iter: 200_000);

    [Fact]
    public void LowercasedName_DecodesToTheInput() =>
        Input.Sample(x => AzureSecretNames.Decode(Encode(x).ToLowerInvariant()) == x, iter: 50_000);

    [Fact]
    public void Names_UseOnlyWhatKeyVaultAllows() =>
        Input.Sample(x => Encode(x).All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    [Theory]
    [InlineData("acme", "openai-keys", "OPENAI_API_KEY", "acme--openai-dkeys---cOPENAI-uAPI-uKEY")]
    [InlineData("acme", "g", "db.password", "acme--g--db-ppassword")]
    [InlineData("my-tenant", "a--b", "ApiKey", "my-dtenant--a-d-db---cA-cpi-cK-cey")]
    public void Names_AreReadable(string tenant, string group, string key, string expected) =>
        Assert.Equal(expected, AzureSecretNames.Encode(tenant, group, key));

    [Theory]
    [InlineData("plain-name")]
    [InlineData("a--b")]
    [InlineData("a--b--c--d")]
    [InlineData("a--b--c-x")]
    public void NamesNotMadeByTheMapping_DoNotDecode(string name) => Assert.Null(AzureSecretNames.Decode(name));

    private static string Encode((string Tenant, string Group, string Key) x) => AzureSecretNames.Encode(x.Tenant, x.Group, x.Key);
}
