"""Form controls viewflow's Material frontend does not draw.

viewflow 2.4 renders ``CheckboxSelectMultiple`` as ``<vf-field-checkbox-select>``, a custom
element its JavaScript never defines: the control is 0x0 pixels and its error invisible. Here it is
plain HTML a browser draws without any script: a fieldset of labelled checkboxes, the field's error
beside it.
"""

from xml.etree import ElementTree

from viewflow.forms.renderers import WidgetRenderer


class CheckboxListRenderer(WidgetRenderer):
    """A multi-person choice (the experts named, the members attending) as visible checkboxes."""

    tag = "fieldset"

    def create_root(self, context):
        widget = context["widget"]
        bound_field = self.bound_field
        classes = "juece-checkboxes" + (" juece-checkboxes--invalid" if bound_field.errors else "")
        root = ElementTree.SubElement(self.root, "fieldset", {"class": classes,
                                                              "id": f"field-{widget['name']}"})
        if bound_field.label:
            legend = ElementTree.SubElement(root, "legend")
            legend.text = str(bound_field.label)
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                label = ElementTree.SubElement(root, "label", {"class": "juece-checkbox"})
                attrs = {"type": "checkbox", "name": option["name"],
                         "value": str(option["value"])}
                if option["attrs"].get("id"):
                    attrs["id"] = option["attrs"]["id"]
                if option["selected"]:
                    attrs["checked"] = "checked"
                ElementTree.SubElement(label, "input", attrs)
                text = ElementTree.SubElement(label, "span")
                text.text = str(option["label"])
        if not widget["optgroups"]:
            empty = ElementTree.SubElement(root, "p", {"class": "juece-help"})
            empty.text = "—"
        for error in bound_field.errors:
            message = ElementTree.SubElement(root, "p", {"class": "juece-field-error",
                                                         "role": "alert"})
            message.text = str(error)
        if bound_field.help_text:
            help_text = ElementTree.SubElement(root, "p", {"class": "juece-help"})
            help_text.text = str(bound_field.help_text)
        return root
