using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using Operator.Hosting;

namespace Operator.Tests.Hosting;

/// <summary>
/// The Native AOT build's kubeconfig reader (<see cref="KubeconfigFile"/>) against KubernetesClient's own loader: the
/// same files give the same client configuration (server, credentials, CA, exec plugin, every context).
/// </summary>
public sealed class KubeconfigFileTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("kubeconfig-");

    public void Dispose() => dir.Delete(recursive: true);

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    private static (string CertPem, string KeyPem) NewCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteEveryKind()
    {
        var (ca, _) = NewCertificate("test-ca");
        var (clientCert, clientKey) = NewCertificate("client");
        Write("ca.pem", ca);
        Write("client.pem", clientCert);
        Write("client-key.pem", clientKey);
        // The library joins exec args with spaces and splits them again, so the plugin is a script without any.
        var plugin = Write("exec-plugin.sh", """
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token"}}'
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Write("config", $$"""
            apiVersion: v1
            kind: Config
            current-context: token
            preferences: {}
            clusters:
            - name: with-ca-data
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: {{Base64(ca)}}
                tls-server-name: kubernetes.default
            - name: with-ca-file
              cluster:
                server: "https://example.test:443"
                certificate-authority: ca.pem
            - name: insecure
              cluster:
                server: https://0.0.0.0:8443
                insecure-skip-tls-verify: true
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: {audience: x}
            users:
            - name: token-user
              user:
                token: t0ken
            - name: cert-data-user
              user:
                client-certificate-data: {{Base64(clientCert)}}
                client-key-data: {{Base64(clientKey)}}
            - name: cert-file-user
              user:
                client-certificate: client.pem
                client-key: client-key.pem
                as: someone
                as-groups: [a, b]
            - name: basic-user
              user: {username: admin, password: secret}
            - name: exec-user
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {{plugin}}
                  args: [--flag, value]
                  env:
                  - name: FOO
                    value: bar
                  installHint: install sh
                  provideClusterInfo: false
                  interactiveMode: Never
            contexts:
            - name: token
              context: {cluster: with-ca-data, user: token-user, namespace: team-a}
            - name: cert-data
              context: {cluster: with-ca-file, user: cert-data-user}
            - name: cert-file
              context: {cluster: insecure, user: cert-file-user, namespace: ~}
            - name: basic
              context: {cluster: with-ca-data, user: basic-user}
            - name: exec
              context: {cluster: insecure, user: exec-user}
            - name: anonymous
              context: {cluster: insecure}
            """);
    }

    private static object Shape(KubernetesClientConfiguration c) => new
    {
        c.Host,
        c.CurrentContext,
        c.Namespace,
        c.AccessToken,
        c.Username,
        c.Password,
        c.ClientCertificateData,
        c.ClientCertificateKeyData,
        c.ClientCertificateFilePath,
        c.ClientKeyFilePath,
        c.SkipTlsVerify,
        c.TlsServerName,
        Ca = string.Join(",", c.SslCaCerts?.Select(x => x.Thumbprint) ?? []),
        TokenProvider = c.TokenProvider?.GetType().Name,
    };

    [Theory]
    [InlineData(null)]
    [InlineData("token")]
    [InlineData("cert-data")]
    [InlineData("cert-file")]
    [InlineData("basic")]
    [InlineData("exec")]
    [InlineData("anonymous")]
    public void Gives_the_same_client_configuration_as_the_library_for_every_context(string? context)
    {
        var path = WriteEveryKind();

        var library = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        var ours = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Load([path]), context);

        Assert.Equal(Shape(library), Shape(ours));
        Assert.NotNull(ours.Host);
    }

    [Fact]
    public void Resolves_relative_certificate_paths_against_the_kubeconfig_directory()
    {
        var ours = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Load([WriteEveryKind()]), "cert-file");

        Assert.Equal(Path.Combine(dir.FullName, "client.pem"), ours.ClientCertificateFilePath);
        Assert.Equal("exec-token", KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Load([WriteEveryKind()]), "exec").AccessToken);
    }

    [Fact]
    public void Merges_files_as_KUBECONFIG_lists_them_the_first_occurrence_winning()
    {
        var first = Write("first", """
            apiVersion: v1
            kind: Config
            current-context: shared
            contexts:
            - name: shared
              context: {cluster: c, user: u}
            users:
            - name: u
              user: {token: from-first}
            """);
        var second = Write("second", """
            apiVersion: v1
            kind: Config
            current-context: ignored
            clusters:
            - name: c
              cluster: {server: "http://127.0.0.1:1234"}
            users:
            - name: u
              user: {token: from-second}
            """);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Load([first, second]));

        Assert.Equal(("shared", "http://127.0.0.1:1234/", "from-first"), (config.CurrentContext, new Uri(config.Host).ToString(), config.AccessToken));
    }

    [Theory]
    [InlineData("clusters: {a: b}", "clusters")]
    [InlineData("clusters:\n- name: c\n  cluster: [x]", "clusters[0].cluster")]
    [InlineData("clusters:\n- name: c\n  cluster: {server: [x]}", "server")]
    [InlineData("clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: maybe}", "insecure-skip-tls-verify")]
    [InlineData("users:\n- name: u\n  user: {exec: {args: {a: b}}}", "users[0].user.exec.args")]
    [InlineData("clusters: [", "not valid YAML")]
    public void A_value_of_the_wrong_shape_is_an_error_naming_the_field(string yaml, string named)
    {
        var e = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Parse(yaml));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(dir.FullName, "nope");

        var e = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load([WriteEveryKind(), missing]));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }
}
