from viewflow.workflow.models import Process


class DecisionProcess(Process):
    """Workflow state of one decision; the domain record is ``process.decision``."""

    class Meta:
        proxy = True
