namespace Operator.Entities.V1Alpha1;

/// <summary>API group and version of the operator's custom resources.</summary>
public static class Api
{
    public const string Group = "secrets.tfy.dev";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
}
