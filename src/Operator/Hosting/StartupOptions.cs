namespace Operator.Hosting;

/// <summary>What the binary does before the operator starts (<c>--install-crds</c>).</summary>
public sealed class StartupOptions
{
    /// <summary>Apply the CRDs generated from the entity classes first (local runs with the user's own kubeconfig).</summary>
    public bool InstallCrds { get; set; }
}
