using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>spec.target.template: the managed Secret's type, extra metadata and data rendered from the group's keys (Liquid).</summary>
[CelRule("!has(self.type) || !(self.type in ['kubernetes.io/service-account-token', 'helm.sh/release.v1'])", "type: the operator never writes service-account tokens or Helm releases")]
public sealed class SecretTemplateSpec
{
    public const string Replace = "Replace";
    public const string Merge = "Merge";

    [Length(1, 253)]
    [Description("The Secret's type: Opaque (default), kubernetes.io/tls (needs tls.crt and tls.key), kubernetes.io/dockerconfigjson (needs .dockerconfigjson), kubernetes.io/basic-auth (needs username or password), or another type. A change replaces the Secret (the type of a Secret cannot change).")]
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [Description("Labels and annotations added to the Secret (besides target.labels and target.annotations); the operator's own (app.kubernetes.io/managed-by, secrets.tfy.dev/*) cannot be set.")]
    [JsonPropertyName("metadata")]
    public SecretTemplateMetadata? Metadata { get; set; }

    [Items(0, 100)]
    [Description("Secret keys and their Liquid templates. A template sees every key of the group as a variable ({{ DB_PASSWORD }}) and in values ({{ values['tls.crt'] }}); filters: b64enc, b64dec, fromjson, tojson, pem_certs, pem_key, htpasswd, bcrypt, and Liquid's own (strip, upcase, downcase, ...). At most 64 KiB of template text per group.")]
    [JsonPropertyName("data")]
    public IDictionary<string, string>? Data { get; set; }

    [Items(0, 10)]
    [Description("Templates kept in ConfigMaps of the group's namespace: each listed ConfigMap key becomes a Secret key rendered as its template. Re-read at every sync (not watched). A ConfigMap is used only if it allows the group by the annotation secrets.tfy.dev/template-allowed-for (group names, comma-separated, or '*'). data wins over templateFrom for the same key.")]
    [JsonPropertyName("templateFrom")]
    public IList<TemplateFromSpec>? TemplateFrom { get; set; }

    [EnumValues(Replace, Merge)]
    [Description("Replace (default): the Secret holds only the templated keys. Merge: the group's keys too (as read, byte for byte), a templated key winning over a group key of the same name.")]
    [JsonPropertyName("mergePolicy")]
    public string? MergePolicy { get; set; }
}
