using System.Reflection;
using Operator.Hosting;
using Operator.Runtime;

namespace Operator.Manifests;

/// <summary>One generated RBAC rule: a resource, the union of the verbs the code declares for it, and every reason.</summary>
public sealed record RbacRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, IReadOnlyList<string> Reasons, RbacScope Scope, string Feature, string? ResourceNameFlag);
