using Operator.Stores;

namespace Operator.Tests;

/// <summary>The one place messages echo user input: bounded, escaped, and without the credentials an endpoint may carry.</summary>
public sealed class EchoTests
{
    [Theory]
    [InlineData("https://admin:hunter2@vault.example.com:8200/v1", "https://***@vault.example.com:8200/v1")]
    [InlineData("https://admin@vault.example.com", "https://***@vault.example.com")]
    [InlineData("https://vault.example.com/?token=hunter2&x=1", "https://vault.example.com/?token=***&x=***")]
    [InlineData("ftp://u:hunter2@h/p?access_token=hunter2#frag-hunter2", "ftp://***@h/p?access_token=***#***")]
    [InlineData("https://vault.example.com:8200/v1/secret", "https://vault.example.com:8200/v1/secret")]
    [InlineData("tfy-secret://acme:group:KEY", "tfy-secret://acme:group:KEY")]
    [InlineData("acme:store:p:secret-store:x::/path@v2", "acme:store:p:secret-store:x::/path@v2")]
    public void Redact_RemovesUserInfoQueryValuesAndFragments_AndKeepsTheRest(string text, string expected) =>
        Assert.Equal(expected, Echo.Redact(text));

    [Theory]
    [InlineData("request failed; Authorization: Bearer hunter2", "request failed; Authorization: ***")]
    [InlineData("headers {\"X-Vault-Token\": \"hunter2\"}", "headers {\"X-Vault-Token\": \"***\"}")]
    [InlineData("authorization=Basic aHVudGVyMg==, retrying", "authorization=***, retrying")]
    [InlineData("Cookie: session=hunter2", "Cookie: ***")]
    public void Redact_RemovesAuthorizationLikeHeaderValues(string text, string expected) =>
        Assert.Equal(expected, Echo.Redact(text));

    [Fact]
    public void Url_QuotesTheRedactedEndpoint()
    {
        Assert.Equal("'https://***@vault.example.com/?token=***'", Echo.Url("https://a:hunter2@vault.example.com/?token=hunter2"));
    }

    [Fact]
    public void StoreErrors_AreRedactedWhereverTheyAreMade()
    {
        var e = new SecretStoreException(StoreErrorKind.Unavailable, "cannot reach Vault at https://admin:hunter2@vault.example.com/ for read");

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.Contains("https://***@vault.example.com/", e.Message, StringComparison.Ordinal);
    }
}
