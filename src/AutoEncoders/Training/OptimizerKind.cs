namespace AutoEncoders.Training;

/// <summary>Optimisation algorithm.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba, 2015) with L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary>AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with optional (Nesterov) momentum.</summary>
    Sgd,

    /// <summary>RMSprop (Tieleman and Hinton, 2012).</summary>
    RmsProp,
}
