using Operator.References;

namespace Operator.Tests.References;

/// <summary>Version pins in each provider's notation: split, formatted back, and refused with the field named.</summary>
public sealed class VersionPinsTests
{
    [Theory]
    [InlineData("aws", "/app/db/PASSWORD:3", "/app/db/PASSWORD", "3")]
    [InlineData("aws", "/app/db/PASSWORD:stable", "/app/db/PASSWORD", "stable")]
    [InlineData("aws", "app/db:AWSPREVIOUS#password", "app/db#password", "AWSPREVIOUS")]
    [InlineData("aws", "/app/db/PASSWORD", "/app/db/PASSWORD", null)]
    [InlineData("gcp", "acme_app_KEY/versions/7", "acme_app_KEY", "7")]
    [InlineData("gcp", "projects/p/secrets/s/versions/2", "projects/p/secrets/s", "2")]
    [InlineData("gcp", "acme_app_KEY/versions/latest", "acme_app_KEY", null)]
    [InlineData("azure", "acme-app-KEY/0123456789abcdef0123456789ABCDEF", "acme-app-KEY", "0123456789abcdef0123456789ABCDEF")]
    [InlineData("hashicorp", "team/app#API_KEY?version=4", "team/app#API_KEY", "4")]
    [InlineData("kubernetes", "acme.app/KEY:3", "acme.app/KEY:3", null)]
    public void Splits_ThePathAndTheVersion_AndFormatsBack(string provider, string text, string path, string? version)
    {
        Assert.True(VersionPins.TryParse(new Provider(provider), text, "f", out var parsedPath, out var parsedVersion, out var error), error);
        Assert.Equal((path, version), (parsedPath, parsedVersion));
        if (version is not null)
        {
            Assert.Equal(text, VersionPins.Format(new Provider(provider), parsedPath, parsedVersion));
        }
    }

    [Theory]
    [InlineData("aws", "/app/KEY:", "spec.secrets[0].remoteRef: version '' after ':' is not a version number, label")]
    [InlineData("aws", "/app/KEY:a b", "spec.secrets[0].remoteRef: version 'a b' after ':'")]
    [InlineData("gcp", "s/versions/0", "spec.secrets[0].remoteRef: version '0' after '/versions/' is not a version number (1, 2, ...)")]
    [InlineData("gcp", "s/versions/x", "spec.secrets[0].remoteRef: version 'x' after '/versions/' is not a version number")]
    [InlineData("gcp", "/versions/3", "spec.secrets[0].remoteRef: the path before the version is empty")]
    [InlineData("azure", "name/3", "spec.secrets[0].remoteRef: version '3' after '/' is not a Key Vault version id (32 hexadecimal characters)")]
    [InlineData("hashicorp", "team/app#K?v=3", "spec.secrets[0].remoteRef: '?v=3': the only query a hashicorp path takes is ?version=<number>")]
    [InlineData("hashicorp", "team/app#K?version=-1", "spec.secrets[0].remoteRef: version '-1' after '?version=' is not a version number")]
    public void RefusesABadPin_NamingTheField(string provider, string text, string message)
    {
        Assert.False(VersionPins.TryParse(new Provider(provider), text, "spec.secrets[0].remoteRef", out _, out _, out var error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }
}
