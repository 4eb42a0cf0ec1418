"""The stage tasks of a decision, as the workflow reports them: their model, the services the
workflow calls, which of them are open, and the decision's stage kept in step with them."""
