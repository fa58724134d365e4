using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests.Templates;

/// <summary>spec.target.template through the real path: YAML applied with kubectl, the emulator, the built-in store.</summary>
public sealed class TemplateTests
{
    private const string Ns = "team-tmpl";

    private static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    private static string Ready(SecretGroup group) => group.Status!.Conditions!.Single(c => c.Type == "Ready").Message;

    /// <summary>A PEM bundle as stores keep them: a certificate followed by its private key.</summary>
    private static string Bundle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=web.example.com", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return cert.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    [Fact]
    public async Task KubectlApplied_TlsTemplate_SplitsThePem_AndRendersEveryFilter_StableAcrossSyncs()
    {
        if (!KubectlProcess.IsInstalled)
        {
            Assert.Skip($"kubectl is not installed at {KubectlProcess.Binary}");
        }

        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync("web-tls", new Dictionary<string, string>
        {
            ["BUNDLE"] = Bundle(),
            ["DB_JSON"] = """{"user":"app","host":"db.internal"}""",
            ["PASSWORD"] = "  s3cr\"et  ",
        });
        var yaml = $$$"""
            apiVersion: secrets.tfy.dev/v1alpha1
            kind: SecretGroup
            metadata:
              name: web-tls
              namespace: {{{Ns}}}
            spec:
              integrationFqn: {{{h.FqnOf()}}}
              refreshInterval: 10s
              secrets: [{key: BUNDLE}, {key: DB_JSON}, {key: PASSWORD}]
              target:
                template:
                  type: kubernetes.io/tls
                  metadata:
                    labels: {tier: web}
                    annotations: {note: templated}
                  data:
                    tls.crt: "{{ BUNDLE | pem_certs }}"
                    tls.key: "{{ BUNDLE | pem_key }}"
                    db-user: "{% assign db = DB_JSON | fromjson %}{{ db.user | upcase }}@{{ db.host }}"
                    config.json: '{"password": {{ PASSWORD | trim | tojson }}, "db": {{ DB_JSON | fromjson | tojson }} }'
                    htpasswd: "{{ 'admin' | htpasswd: PASSWORD }}"
                    token: "{{ PASSWORD | strip | b64enc }}"
                    plain: "{{ values['PASSWORD'] | b64enc | b64dec | lower }}"
            """;
        await KubectlApplyAsync(h, yaml);

        var group = await h.WaitForGroupAsync(Ns, "web-tls", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "web-tls"))!;
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.Equal(["config.json", "db-user", "htpasswd", "plain", "tls.crt", "tls.key", "token"], secret.Data.Keys.Order(StringComparer.Ordinal));
        using (var pair = X509Certificate2.CreateFromPem(Text(secret, "tls.crt"), Text(secret, "tls.key")))
        {
            Assert.Equal("CN=web.example.com", pair.Subject);
            Assert.True(pair.HasPrivateKey);
        }

        Assert.DoesNotContain("PRIVATE KEY", Text(secret, "tls.crt"), StringComparison.Ordinal);
        Assert.Equal("APP@db.internal", Text(secret, "db-user"));
        Assert.Equal("s3cr\"et", JsonNode.Parse(Text(secret, "config.json"))!["password"]!.GetValue<string>());
        Assert.Equal("""{"user":"app","host":"db.internal"}""", JsonNode.Parse(Text(secret, "config.json"))!["db"]!.ToJsonString());
        var (user, hash) = (Text(secret, "htpasswd").Split(':')[0], Text(secret, "htpasswd")[6..]);
        Assert.Equal("admin", user);
        Assert.True(BCrypt.Net.BCrypt.Verify("  s3cr\"et  ", hash));
        Assert.Equal("s3cr\"et", Encoding.UTF8.GetString(Convert.FromBase64String(Text(secret, "token"))));
        Assert.Equal("  s3cr\"et  ", Text(secret, "plain"));
        Assert.Equal("web", secret.Metadata.Labels["tier"]);
        Assert.Equal("templated", secret.Metadata.Annotations["note"]);
        Assert.Equal("web-tls", secret.Metadata.Labels[ManagedLabels.Group]);
        Assert.Equal(3, group.Status!.KeyCount);

        // The next refresh renders the same bytes (bcrypt's salt comes from the group, not chance): nothing is written.
        var synced = group.Status.LastSyncTime;
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        await h.WaitForGroupAsync(Ns, "web-tls", "True", "Synced", g => g.Status?.LastSyncTime > synced);
        Assert.Equal(secret.Metadata.ResourceVersion, (await h.GetSecretAsync(Ns, "web-tls"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task TemplateError_NamesTheKeyAndTheLine_NeverAValue_AndLeavesTheSecret()
    {
        const string canary = "canary-Zq9x!not-base64";
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync("broken", new Dictionary<string, string> { ["CANARY"] = canary });
        await h.CreateGroupAsync(Ns, "broken", ["CANARY"], g => g.Spec.Target = new SecretTargetSpec
        {
            Template = new SecretTemplateSpec { Data = new Dictionary<string, string> { ["ok"] = "{{ CANARY | upcase }}" } },
        });
        await h.WaitForGroupAsync(Ns, "broken", "True", "Synced");
        var before = (await h.GetSecretAsync(Ns, "broken"))!;

        var cases = new (string Template, string Expected)[]
        {
            ("first line\n{{ CANARY | b64dec }}", "spec.target.template.data[x], line 2: b64dec: the input is not base64"),
            ("a\nb\n{{ CANARY | fromjson }}", "spec.target.template.data[x], line 3: fromjson: the input is not JSON (line 1, byte 1 of the value)"),
            ("{{ CANARY }}\n{{ CANARY_TYPO }}", "spec.target.template.data[x], line 2: 'CANARY_TYPO' is not a key of the group"),
            ("{% if CANARY %}\nopen", "spec.target.template.data[x], line 2: does not parse: '{% endif %}' was expected"),
            ("{{ CANARY | shout }}", "spec.target.template.data[x], line 1: Undefined filter 'shout'"),
            ("{{ CANARY }}\n{% for i in (1..10000000) %}{{ CANARY }}{% endfor %}", "spec.target.template.data[x], line 2: a range of more than 10000 numbers"),
            ("{% for i in (1..9999) %}{% for j in (1..9999) %}{% endfor %}{% endfor %}", "spec.target.template.data[x]: ran too long or too deep (limits: 100000 steps, recursion 20)"),
        };
        var generation = 1;
        foreach (var (template, expected) in cases)
        {
            await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "broken"), g => g.Spec.Target!.Template!.Data = new Dictionary<string, string> { ["x"] = template });
            generation++;
            var failed = await h.WaitForGroupAsync(Ns, "broken", "False", "TemplateFailed", g => g.Status?.ObservedGeneration == generation);
            Assert.StartsWith(expected, Ready(failed), StringComparison.Ordinal);
            Assert.DoesNotContain(canary, Ready(failed), StringComparison.Ordinal);
            Assert.DoesNotContain("canary", Ready(failed).Replace("CANARY", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(before.Metadata.ResourceVersion, (await h.GetSecretAsync(Ns, "broken"))!.Metadata.ResourceVersion);
        Assert.DoesNotContain(h.AllLogs(), line => line.Contains(canary, StringComparison.Ordinal));
        var events = await h.Client.CoreV1.ListNamespacedEventAsync(Ns);
        Assert.DoesNotContain(events.Items, e => e.Message?.Contains(canary, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TypeChange_ReplacesTheSecret_AndATypeWithoutItsKeys_IsRefusedNamingThem()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync("login", new Dictionary<string, string> { ["USER"] = "admin", ["PASS"] = "pw" });
        await h.CreateGroupAsync(Ns, "login", ["USER", "PASS"]);
        await h.WaitForGroupAsync(Ns, "login", "True", "Synced");
        var opaque = (await h.GetSecretAsync(Ns, "login"))!;
        Assert.Equal("Opaque", opaque.Type);

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "login"), g => g.Spec.Target = new SecretTargetSpec
        {
            Template = new SecretTemplateSpec { Type = "kubernetes.io/basic-auth", Data = new Dictionary<string, string> { ["username"] = "{{ USER }}", ["password"] = "{{ PASS }}" } },
        });
        await h.WaitForGroupAsync(Ns, "login", "True", "Synced", g => g.Status?.ObservedGeneration == 2);
        var basic = (await h.GetSecretAsync(Ns, "login"))!;
        Assert.Equal("kubernetes.io/basic-auth", basic.Type);
        Assert.NotEqual(opaque.Metadata.Uid, basic.Metadata.Uid);
        Assert.Equal(("admin", "pw"), (Text(basic, "username"), Text(basic, "password")));

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "login"), g => g.Spec.Target!.Template!.Type = "kubernetes.io/tls");
        var refused = await h.WaitForGroupAsync(Ns, "login", "False", "TemplateFailed", g => g.Status?.ObservedGeneration == 3);
        Assert.Equal("spec.target.template.type kubernetes.io/tls needs the keys tls.crt and tls.key; the Secret would have: password, username; the managed Secret is unchanged", Ready(refused));
        Assert.Equal(basic.Metadata.ResourceVersion, (await h.GetSecretAsync(Ns, "login"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task TemplateFrom_ReadsTheConfigMapAtEachSync_MergeKeepsBinaryValuesExact()
    {
        byte[] der = [0x30, 0x82, 0xFF, 0x00, 0xC3];
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await TestClients.UpsertSecretAsync(h.Client, OperatorHarness.SourceNamespace, $"{h.Tenant}.app", new Dictionary<string, byte[]> { ["DER"] = der, ["HOST"] = "db"u8.ToArray() });
        await h.CreateGroupAsync(Ns, "app", ["DER", "HOST"], g =>
        {
            g.Spec.RefreshInterval = "10s";
            g.Spec.Target = new SecretTargetSpec
            {
                Template = new SecretTemplateSpec
                {
                    MergePolicy = "Merge",
                    Data = new Dictionary<string, string> { ["der.b64"] = "{{ DER | b64enc }}" },
                    TemplateFrom = [new TemplateFromSpec { ConfigMap = new TemplateConfigMapRef { Name = "app-templates", Items = [new TemplateConfigMapItem { Key = "app.properties" }] } }],
                },
            };
        });
        var missing = await h.WaitForGroupAsync(Ns, "app", "False", "TemplateNotFound");
        var notFound = Ready(missing);
        Assert.StartsWith($"spec.target.template.templateFrom[0].configMap: ConfigMap '{Ns}/app-templates' not found", notFound, StringComparison.Ordinal);
        Assert.Contains("or it does not allow this group: whoever may edit it annotates it secrets.tfy.dev/template-allowed-for: app (or '*')", notFound, StringComparison.Ordinal);

        // A ConfigMap that did not consent (or consents for another group) is not read, and the message is the missing one's:
        // a group author who may not read ConfigMaps learns neither its text nor that it exists.
        await h.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "app-templates", Annotations = new Dictionary<string, string> { ["secrets.tfy.dev/template-allowed-for"] = "other-group" } },
            Data = new Dictionary<string, string> { ["app.properties"] = "db.host={{ HOST }}\ndb.port=5432\n" },
        }, Ns);
        var looks = ConfigMapReads(h);
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        await OperatorHarness.WaitForAsync(() => Task.FromResult(ConfigMapReads(h) > looks), "the operator read the ConfigMap");
        await h.AdvanceAsync(TimeSpan.FromMinutes(5));
        // A second read starts only after the first one's outcome is written.
        await OperatorHarness.WaitForAsync(() => Task.FromResult(ConfigMapReads(h) > looks + 1), "the operator read the ConfigMap again");
        Assert.Equal(notFound, Ready((await h.GetGroupAsync(Ns, "app"))!));
        Assert.Null(await h.GetSecretAsync(Ns, "app"));

        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"annotations":{"secrets.tfy.dev/template-allowed-for":"other-group, app"}}}""", V1Patch.PatchType.MergePatch), "app-templates", Ns);
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        await h.WaitForGroupAsync(Ns, "app", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "app"))!;
        Assert.Equal(der, secret.Data["DER"]);
        Assert.Equal(der, Convert.FromBase64String(Text(secret, "der.b64")));
        Assert.Equal("db.host=db\ndb.port=5432\n", Text(secret, "app.properties"));

        // Not watched: the next sync (the refresh) renders the changed ConfigMap.
        await h.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"app.properties":"db.host={{ HOST | upcase }}\n"}}""", V1Patch.PatchType.MergePatch), "app-templates", Ns);
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        await OperatorHarness.WaitForAsync(async () => Text((await h.GetSecretAsync(Ns, "app"))!, "app.properties") == "db.host=DB\n", "the changed template rendered");
    }

    private static int ConfigMapReads(OperatorHarness h) =>
        h.Emulator.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{Ns}/configmaps/app-templates", StringComparison.Ordinal));

    private static async Task KubectlApplyAsync(OperatorHarness h, string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("kubectl-template-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kubeconfig"), h.Emulator.KubeconfigYaml());
            await File.WriteAllTextAsync(Path.Combine(dir, "group.yaml"), yaml);
            var result = await KubectlProcess.RunAsync(["--kubeconfig", Path.Combine(dir, "kubeconfig"), "apply", "--validate=false", "-f", Path.Combine(dir, "group.yaml")], dir, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.ExitCode == 0, $"kubectl apply failed: {result.Stderr}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
