using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Manifests;
using Operator.Runtime;
using Operator.Testing.Kube;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>
/// Issue 14, Must show 6: a cluster installed from the previous deploy/install.yaml (kept as a fixture) is upgraded
/// with the new one by the real kubectl against the API emulator; groups, their Secrets and the Lease survive, and
/// the CRDs change only additively within v1alpha1.
/// </summary>
public sealed class UpgradeTests
{
    private const string Fixture = "tests/Operator.Tests/Install/Fixtures/install-before-issue-14.yaml";

    [Fact]
    public async Task ApplyingTheNewInstallYamlOverTheOld_KeepsGroupsSecretsAndTheLease()
    {
        RequireKubectl();
        await using var emulator = await KubeApiEmulator.StartAsync();
        using var client = emulator.CreateClient();
        var dir = Directory.CreateTempSubdirectory("upgrade-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "kubeconfig"), emulator.KubeconfigYaml());
            await KubectlAsync(dir.FullName, "apply", "-f", RepositoryRoot.File(Fixture));

            var groups = new ResourceClient<SecretGroup>(client);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
            var group = await groups.CreateAsync(new SecretGroup
            {
                ApiVersion = Api.GroupVersion,
                Kind = SecretGroup.KindName,
                Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "team-a" },
                Spec = new SecretGroupSpec { IntegrationFqn = $"default:{ProviderBlocks.Names[0]}:local:secret-store:store", Secrets = [new SecretKeySpec { Key = "PASSWORD" }] },
            }, CancellationToken.None);
            var secret = await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "db",
                    NamespaceProperty = "team-a",
                    OwnerReferences = [new V1OwnerReference { ApiVersion = Api.GroupVersion, Kind = SecretGroup.KindName, Name = "db", Uid = group.Metadata.Uid, Controller = true }],
                },
                Data = new Dictionary<string, byte[]> { ["PASSWORD"] = Encoding.UTF8.GetBytes("s3cret") },
            }, "team-a");
            var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "secretgroup-operator-default", NamespaceProperty = InstallLayout.Namespace },
                Spec = new V1LeaseSpec { HolderIdentity = "operator-0", LeaseDurationSeconds = 15 },
            }, InstallLayout.Namespace);

            await KubectlAsync(dir.FullName, "apply", "-f", RepositoryRoot.File(InstallManifest.RelativePath));

            // The old file installed a webhook configuration with no server behind it; README's upgrade step removes it.
            await KubectlAsync(dir.FullName, "delete", "mutatingwebhookconfiguration", "secretgroup-operator", "--ignore-not-found");
            Assert.Empty((await client.AdmissionregistrationV1.ListMutatingWebhookConfigurationAsync()).Items);

            Assert.Equal(group.Metadata.Uid, (await groups.GetAsync(new ObjectKey("team-a", "db"), CancellationToken.None))!.Metadata.Uid);
            var kept = await client.CoreV1.ReadNamespacedSecretAsync("db", "team-a");
            Assert.Equal((secret.Metadata.Uid, "s3cret"), (kept.Metadata.Uid, Encoding.UTF8.GetString(kept.Data["PASSWORD"])));
            Assert.Equal(lease.Metadata.Uid, (await client.CoordinationV1.ReadNamespacedLeaseAsync(lease.Metadata.Name, InstallLayout.Namespace)).Metadata.Uid);
            var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("secretgroups.secrets.tfy.dev");
            Assert.Equal(InstallLayout.ArgoKeepCrd, crd.Metadata.Annotations[InstallLayout.ArgoSyncOptionsAnnotation]);

            // The old group is still valid under the new schema: an update of it is accepted.
            var current = (await groups.GetAsync(new ObjectKey("team-a", "db"), CancellationToken.None))!;
            current.Metadata.Labels = new Dictionary<string, string> { ["upgraded"] = "true" };
            await groups.ReplaceAsync(current, CancellationToken.None);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void CrdChanges_AreAdditive_WithinV1Alpha1()
    {
        var before = InstallObjects.Parse(File.ReadAllText(RepositoryRoot.File(Fixture))).Where(o => o.Kind() == "CustomResourceDefinition").ToList();
        var after = CrdGenerator.GenerateAll().ToDictionary(c => c.Metadata.Name, c => JsonNode.Parse(KubernetesJson.Serialize(c))!.AsObject());

        Assert.NotEmpty(before);
        foreach (var old in before)
        {
            Assert.True(after.TryGetValue(old.Name(), out var current), $"{old.Name()} is gone");
            var oldVersion = old["spec"]!["versions"]!.AsArray().Single()!;
            var newVersion = current["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == (string?)oldVersion["name"])!;
            Assert.True((bool?)newVersion["served"] == true && (bool?)newVersion["storage"] == true, $"{old.Name()} {oldVersion["name"]} is no longer served and stored");
            Assert.Empty(Removed(oldVersion["schema"]!["openAPIV3Schema"]!, newVersion["schema"]!["openAPIV3Schema"]!, old.Name()));
        }
    }

    /// <summary>What an old object could hold that the new schema refuses: a property gone, a type changed, a new required field, an enum value gone.</summary>
    private static IEnumerable<string> Removed(JsonNode old, JsonNode current, string path)
    {
        if ((string?)old["type"] != (string?)current["type"])
        {
            yield return $"{path}: type {old["type"]} became {current["type"]}";
        }

        var newRequired = (current["required"]?.AsArray().Select(r => (string?)r) ?? []).Except(old["required"]?.AsArray().Select(r => (string?)r) ?? []);
        foreach (var required in newRequired)
        {
            yield return $"{path}.{required}: newly required";
        }

        var oldEnum = old["enum"]?.AsArray().Select(e => e!.ToJsonString()).ToHashSet();
        var newEnum = current["enum"]?.AsArray().Select(e => e!.ToJsonString()).ToHashSet();
        if (newEnum is not null && (oldEnum is null || !oldEnum.IsSubsetOf(newEnum)))
        {
            yield return $"{path}: enum narrowed";
        }

        foreach (var (name, child) in old["properties"]?.AsObject() ?? [])
        {
            if (current["properties"]?[name] is not { } next)
            {
                yield return $"{path}.{name}: removed";
                continue;
            }

            foreach (var problem in Removed(child!, next, $"{path}.{name}"))
            {
                yield return problem;
            }
        }

        if (old["items"] is { } items && current["items"] is { } newItems)
        {
            foreach (var problem in Removed(items, newItems, path + "[]"))
            {
                yield return problem;
            }
        }
    }

    private static void RequireKubectl()
    {
        if (!File.Exists(InstallManifest.Kubectl) && !File.Exists("/usr/bin/kubectl"))
        {
            Assert.Skip("kubectl is not installed; the upgrade is checked where it is.");
        }
    }

    private static async Task KubectlAsync(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var arg in new[] { "--kubeconfig", Path.Combine(dir, "kubeconfig"), "--cache-dir", Path.Combine(dir, "cache") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var hung = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(hung.Token);
        var stderr = process.StandardError.ReadToEndAsync(hung.Token);
        await process.WaitForExitAsync(hung.Token);
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {await stderr}\n{await stdout}");
    }
}
