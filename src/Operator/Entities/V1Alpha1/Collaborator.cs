using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>A collaborator: a role for a user or a team.</summary>
public sealed class Collaborator
{
    [Required]
    [EnumValues("secret-group-admin", "secret-group-editor", "secret-group-viewer")]
    [JsonPropertyName("roleId")]
    public string RoleId { get; set; } = "";

    [Required]
    [Pattern(Patterns.Subject)]
    [Length(6, 253)]
    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";
}
