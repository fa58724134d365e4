using System.Globalization;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Operator.Hosting;

/// <summary>
/// Reads kubeconfig files into the library's <see cref="K8SConfiguration"/> through YamlDotNet's representation model,
/// which needs no reflection. KubernetesClient's own loader (<c>KubernetesYaml</c>) cannot run in a Native AOT binary:
/// its static constructor builds a reflection-based YamlDotNet deserializer, which reads <c>PropertyInfo.MetadataToken</c>
/// ("There is no metadata token available"). Same result as the library's loader: files merged first-wins by name,
/// relative file paths resolved against the first file's directory, unknown fields ignored.
/// </summary>
public static class KubeconfigFile
{
    /// <summary>Loads and merges <paramref name="paths"/> (as <c>$KUBECONFIG</c> lists them); a missing file is an error.</summary>
    public static K8SConfiguration Load(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        K8SConfiguration? merged = null;
        foreach (var path in paths)
        {
            var file = new FileInfo(path.Trim('"'));
            if (!file.Exists)
            {
                throw new KubeConfigException($"kubeconfig file not found at {file.FullName}");
            }

            var config = Parse(File.ReadAllText(file.FullName));
            config.FileName = file.FullName;
            merged = merged is null ? config : Merge(merged, config);
        }

        return merged ?? throw new KubeConfigException("no kubeconfig file given");
    }

    /// <summary>One kubeconfig document; a value of the wrong shape is a <see cref="KubeConfigException"/> naming its field.</summary>
    public static K8SConfiguration Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig is not valid YAML: {e.Message}");
        }

        var root = stream.Documents.Count == 0 ? null : Map(stream.Documents[0].RootNode, "kubeconfig");
        return new K8SConfiguration
        {
            ApiVersion = Text(root, "apiVersion"),
            Kind = Text(root, "kind"),
            CurrentContext = Text(root, "current-context"),
            Clusters = Items(root, "clusters", (m, f) => new Cluster { Name = Text(m, "name"), ClusterEndpoint = Endpoint(Map(Child(m, "cluster"), f + ".cluster")) }),
            Users = Items(root, "users", (m, f) => new User { Name = Text(m, "name"), UserCredentials = Credentials(Map(Child(m, "user"), f + ".user"), f + ".user") }),
            Contexts = Items(root, "contexts", (m, f) =>
            {
                var details = Map(Child(m, "context"), f + ".context");
                return new Context
                {
                    Name = Text(m, "name"),
                    ContextDetails = details is null ? null : new ContextDetails
                    {
                        Cluster = Text(details, "cluster"),
                        User = Text(details, "user"),
                        Namespace = Text(details, "namespace"),
                    },
                };
            }),
        };
    }

    private static ClusterEndpoint? Endpoint(YamlMappingNode? m) => m is null ? null : new ClusterEndpoint
    {
        Server = Text(m, "server"),
        CertificateAuthority = Text(m, "certificate-authority"),
        CertificateAuthorityData = Text(m, "certificate-authority-data"),
        TlsServerName = Text(m, "tls-server-name"),
        SkipTlsVerify = Flag(m, "insecure-skip-tls-verify"),
    };

    private static UserCredentials? Credentials(YamlMappingNode? m, string field)
    {
        if (m is null)
        {
            return null;
        }

        var provider = Map(Child(m, "auth-provider"), field + ".auth-provider");
        var exec = Map(Child(m, "exec"), field + ".exec");
        return new UserCredentials
        {
            Token = Text(m, "token"),
            UserName = Text(m, "username"),
            Password = Text(m, "password"),
            ClientCertificate = Text(m, "client-certificate"),
            ClientCertificateData = Text(m, "client-certificate-data"),
            ClientKey = Text(m, "client-key"),
            ClientKeyData = Text(m, "client-key-data"),
            Impersonate = Text(m, "as"),
            ImpersonateGroups = Strings(Child(m, "as-groups"), field + ".as-groups"),
            AuthProvider = provider is null ? null : new AuthProvider { Name = Text(provider, "name"), Config = Pairs(Map(Child(provider, "config"), field + ".auth-provider.config")) },
            ExternalExecution = exec is null ? null : new ExternalExecution
            {
                ApiVersion = Text(exec, "apiVersion"),
                Command = Text(exec, "command"),
                Arguments = Child(exec, "args") is null ? null : Strings(Child(exec, "args"), field + ".exec.args"),
                EnvironmentVariables = Child(exec, "env") is null ? null
                    : Items(exec, "env", (e, _) => Pairs(e) ?? []),
                InstallHint = Text(exec, "installHint"),
                ProvideClusterInfo = Flag(exec, "provideClusterInfo"),
            },
        };
    }

    private static YamlNode? Child(YamlMappingNode? m, string key) =>
        m is not null && m.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static YamlMappingNode? Map(YamlNode? node, string field) => node switch
    {
        null => null,
        YamlMappingNode m => m,
        _ => throw new KubeConfigException($"kubeconfig field {field} must be a mapping"),
    };

    private static string? Text(YamlMappingNode? m, string key) => Child(m, key) switch
    {
        null => null,
        YamlScalarNode s => s.Value,
        _ => throw new KubeConfigException($"kubeconfig field {key} must be a string"),
    };

    private static bool Flag(YamlMappingNode m, string key) => Text(m, key) switch
    {
        null => false,
        var v when bool.TryParse(v, out var b) => b,
        _ => throw new KubeConfigException($"kubeconfig field {key} must be true or false"),
    };

    private static List<string> Strings(YamlNode? node, string field) => node switch
    {
        null => [],
        YamlSequenceNode s => s.Children.Select(c => (c as YamlScalarNode)?.Value ?? throw new KubeConfigException($"kubeconfig field {field} must list strings")).ToList(),
        _ => throw new KubeConfigException($"kubeconfig field {field} must be a list"),
    };

    private static Dictionary<string, string>? Pairs(YamlMappingNode? m) =>
        m?.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => (p.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);

    private static List<T> Items<T>(YamlMappingNode? m, string key, Func<YamlMappingNode, string, T> read) => Child(m, key) switch
    {
        null => [],
        YamlSequenceNode s => s.Children.Select((c, i) =>
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]");
            return read(Map(c, field) ?? throw new KubeConfigException($"kubeconfig field {field} must be a mapping"), field);
        }).ToList(),
        _ => throw new KubeConfigException($"kubeconfig field {key} must be a list"),
    };

    // The library's MergeKubeConfig: scalars and named entries from the earlier file win; kinds must match.
    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration next)
    {
        if (first.Kind != next.Kind)
        {
            throw new KubeConfigException($"kubeconfig \"kind\" are different between {first.FileName} and {next.FileName}");
        }

        first.CurrentContext ??= next.CurrentContext;
        first.Clusters = First(first.Clusters, next.Clusters, c => c.Name);
        first.Users = First(first.Users, next.Users, u => u.Name);
        first.Contexts = First(first.Contexts, next.Contexts, c => c.Name);
        return first;
    }

    private static List<T> First<T>(IEnumerable<T> first, IEnumerable<T> next, Func<T, string> name) =>
        first.Concat(next).DistinctBy(name, StringComparer.Ordinal).ToList();
}
