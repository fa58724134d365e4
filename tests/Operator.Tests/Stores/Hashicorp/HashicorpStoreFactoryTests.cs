using Operator.Entities.V1Alpha1;
using Operator.Stores.Hashicorp;

namespace Operator.Tests.Stores;

public sealed class HashicorpStoreFactoryTests
{
    private static SecretStoreIntegrationSpec Spec(Action<HashicorpStoreSpec> customize)
    {
        var vault = new HashicorpStoreSpec { Url = "https://vault.example.com:8200", Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
        customize(vault);
        return new SecretStoreIntegrationSpec { ProviderAccount = "p", Hashicorp = vault };
    }

    [Fact]
    public void ValidSpec_HasNoErrors() => Assert.Empty(new HashicorpStoreFactory().Validate(Spec(_ => { })));

    [Theory]
    [InlineData("url", "spec.hashicorp.url")]
    [InlineData("noauth", "spec.hashicorp.auth: exactly one")]
    [InlineData("twoauth", "spec.hashicorp.auth: exactly one")]
    [InlineData("root", "spec.hashicorp.rootPath")]
    [InlineData("mount", "spec.hashicorp.kvMountPath")]
    [InlineData("role", "spec.hashicorp.auth.appRole.roleId")]
    [InlineData("jwtpath", "spec.hashicorp.auth.kubernetes.serviceAccountTokenPath")]
    [InlineData("jwtoutside", "spec.hashicorp.auth.kubernetes.serviceAccountTokenPath: '/etc/passwd' is outside /var/run/secrets/")]
    [InlineData("jwtescape", "spec.hashicorp.auth.kubernetes.serviceAccountTokenPath: '/var/run/secrets/../../etc/shadow' is outside /var/run/secrets/")]
    [InlineData("audience", "spec.hashicorp.auth.kubernetes.audience: must be 1 to 256 characters without spaces")]
    [InlineData("plainhttp", "spec.hashicorp.url: plain http to 'vault.example.com' sends credentials and values unencrypted; use https, or set spec.insecure: true")]
    public void BadSpec_NamesTheField(string what, string expected)
    {
        var spec = Spec(v =>
        {
            switch (what)
            {
                case "url": v.Url = "vault:8200"; break;
                case "noauth": v.Auth = null; break;
                case "twoauth": v.Auth!.AppRole = new VaultAppRoleAuthSpec { RoleId = "r", SecretId = "tfy-k8s-secret://S" }; break;
                case "root": v.RootPath = "a/../b"; break;
                case "mount": v.KvMountPath = "kv//x"; break;
                case "role": v.Auth = new HashicorpAuthSpec { AppRole = new VaultAppRoleAuthSpec { SecretId = "tfy-k8s-secret://S" } }; break;
                case "jwtpath": v.Auth = new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "r", ServiceAccountTokenPath = "relative/token" } }; break;
                case "jwtoutside": v.Auth = new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "r", ServiceAccountTokenPath = "/etc/passwd" } }; break;
                case "jwtescape": v.Auth = new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "r", ServiceAccountTokenPath = "/var/run/secrets/../../etc/shadow" } }; break;
                case "audience": v.Auth = new HashicorpAuthSpec { Kubernetes = new VaultKubernetesAuthSpec { Role = "r", Audience = "vault staging" } }; break;
                case "plainhttp": v.Url = "http://vault.example.com:8200"; break;
            }
        });

        var errors = new HashicorpStoreFactory().Validate(spec).ToList();

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8200")]
    [InlineData("http://localhost:8200")]
    [InlineData("http://[::1]:8200")]
    [InlineData("https://vault.example.com")]
    public void HttpsAnywhere_AndPlainHttpToThisMachine_AreAccepted(string url) =>
        Assert.Empty(new HashicorpStoreFactory().Validate(Spec(v => v.Url = url)));

    [Fact]
    public void CredentialReferences_AreTheTokenAndTheAppRoleSecretId()
    {
        var factory = new HashicorpStoreFactory();

        Assert.Equal([("spec.hashicorp.auth.token", "tfy-k8s-secret://VAULT_TOKEN")], factory.CredentialReferences(Spec(_ => { })));
        Assert.Equal(
            [("spec.hashicorp.auth.appRole.secretId", "tfy-k8s-secret://SID")],
            factory.CredentialReferences(Spec(v => v.Auth = new HashicorpAuthSpec { AppRole = new VaultAppRoleAuthSpec { RoleId = "r", SecretId = "tfy-k8s-secret://SID" } })));
    }
}
